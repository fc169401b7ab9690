import type { FieldGroup, LibraryJob, PluginAction } from "../../api/types";
import type { LiveTask } from "../../live/taskStore";
import { formatRelative, formatZonedDateTime } from "../../components/timeFormat";
import { groupLabels } from "./fieldGroupRules";
import { scopeLabel } from "./scopeRules";

/** `plugin:<name>` → `<name>`. */
export function pluginNameOf(provider: string | null | undefined): string {
  return provider?.startsWith("plugin:") ? provider.slice("plugin:".length) : (provider ?? "");
}

/** The provider's display name, or its plugin name when the user cannot list providers. */
export function providerDisplayName(provider: string | null | undefined, actions: readonly PluginAction[] | undefined): string {
  const name = pluginNameOf(provider);
  return actions?.find((action) => action.pluginName === name)?.pluginDisplayName ?? name;
}

/** Line 2 of a job row: provider · scope · groups (+n fields) · Books: groups (web-ui §3.6). */
export function jobConfigLine(
  job: LibraryJob,
  actions: readonly PluginAction[] | undefined,
  seriesGroups: readonly FieldGroup[] | undefined,
  bookGroups: readonly FieldGroup[] | undefined,
): string {
  const config = job.config;
  if (!config) return "Unsupported job type";
  const parts = [providerDisplayName(config.provider, actions), scopeLabel(config.scope)];
  const series = groupLabels(seriesGroups, config.fieldGroups).join(", ");
  if (series) parts.push(series + (config.extraFields.length ? ` +${config.extraFields.length} fields` : ""));
  else if (config.extraFields.length) parts.push(`+${config.extraFields.length} fields`);
  const books = groupLabels(bookGroups, config.bookFieldGroups).join(", ");
  const bookExtra = config.bookExtraFields.length ? `+${config.bookExtraFields.length} fields` : "";
  if (books || bookExtra) parts.push(`Books: ${[books, bookExtra].filter(Boolean).join(" ")}`);
  return parts.join(" · ");
}

export function timezoneText(job: Pick<LibraryJob, "timezone" | "effectiveTimezone">): string {
  return job.timezone ?? `Server default (${job.effectiveTimezone})`;
}

/** Line 4: "Next run: <time in the job's zone> (in 5 hours)". */
export function nextRunText(job: LibraryJob, now: Date = new Date()): string {
  if (!job.enabled) return "Next run: not scheduled (disabled)";
  if (!job.nextRunAt) return "Next run: not scheduled";
  return `Next run: ${formatZonedDateTime(job.nextRunAt, job.effectiveTimezone)} (${formatRelative(job.nextRunAt, now)})`;
}

/** The "Queued" / "Running" badge while a run is active, from the live task or the job's activeRun. */
export function activeRunBadge(job: LibraryJob, task: LiveTask | undefined): "Queued" | "Running" | null {
  if (task && task.finishedAtMs === null) {
    if (task.status === "processing") return "Running";
    if (task.status === "pending") return "Queued";
  }
  if (task && task.finishedAtMs !== null) return null;
  if (job.activeRun?.status === "running") return "Running";
  if (job.activeRun?.status === "pending") return "Queued";
  return null;
}

/** "<current> / <total> · <s> succeeded · <f> failed · <k> skipped". */
export function progressText(task: LiveTask): string {
  if (task.current === null || task.total === null) return "Waiting to start…";
  const counts = task.counts ?? {};
  return [
    `${task.current} / ${task.total}`,
    `${counts.succeeded ?? 0} succeeded`,
    `${counts.failed ?? 0} failed`,
    `${counts.skipped ?? 0} skipped`,
  ].join(" · ");
}
