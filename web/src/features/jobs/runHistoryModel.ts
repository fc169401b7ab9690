import type { JobRun, LastRunStatus, LibraryJob, RevertSummary, RunStatus, RunSummary } from "../../api/types";
import { formatDateTime, formatDuration, secondsBetween } from "../../components/timeFormat";

export const RUN_STATUS_BADGES: Record<RunStatus, { label: string; color: string }> = {
  pending: { label: "Queued", color: "blue" },
  running: { label: "Running", color: "blue" },
  success: { label: "Success", color: "green" },
  partial: { label: "Partial", color: "yellow" },
  failure: { label: "Failed", color: "red" },
  cancelled: { label: "Cancelled", color: "gray" },
};

export function lastRunBadge(status: LastRunStatus) {
  return RUN_STATUS_BADGES[status];
}

export function triggerLabel(trigger: JobRun["trigger"]): string {
  return trigger === "schedule" ? "Scheduled" : "Manual";
}

/** "12 changed · 3 unchanged · 4 skipped · 1 failed" (web-ui §3.9.2). */
export function runSummaryText(summary: RunSummary | null): string {
  if (!summary) return "";
  const skipped =
    summary.skipped.noExternalId + summary.skipped.recentlySynced + summary.skipped.noMatchCandidate + summary.skipped.lowConfidence;
  return [
    `${summary.itemsChanged} changed`,
    `${summary.succeeded - summary.itemsChanged} unchanged`,
    `${skipped} skipped`,
    `${summary.failed} failed`,
  ].join(" · ");
}

export function runDuration(run: JobRun, now: Date = new Date()): string {
  if (!run.startedAt) return "—";
  return formatDuration(secondsBetween(run.startedAt, run.finishedAt ?? now));
}

export function isRunActive(run: Pick<JobRun, "status">): boolean {
  return run.status === "pending" || run.status === "running";
}

/** Why "Revert" is disabled, or null when it may be clicked (web-ui §3.9.4). */
export function revertDisabledReason(run: JobRun, job: Pick<LibraryJob, "activeRun">, revertInProgress: boolean): string | null {
  if (isRunActive(run)) return "Run still in progress";
  if (run.revertedAt) return `Already reverted on ${formatDateTime(run.revertedAt)}`;
  if (run.changeCount === 0) return "Nothing to revert";
  if (revertInProgress) return "Revert in progress";
  if (job.activeRun) return "Wait for the current run to finish";
  return null;
}

/** A failed partial revert leaves the run unmarked, so the button offers to try again. */
export function revertButtonLabel(run: JobRun): string {
  return run.revertSummary && run.revertSummary.failed > 0 && !run.revertedAt ? "Revert again" : "Revert";
}

type RevertSkipItem = RevertSummary["skippedItems"][number];

/** One label per code the server publishes (library-jobs REV-2); a new code fails to compile. */
const REVERT_SKIP_LABELS: Record<RevertSkipItem["reason"], string> = {
  changed_since: "Changed again since",
  locked: "Locked now",
  entity_missing: "Item no longer exists",
  not_revertible: "Covers are not reverted",
};

export function revertSkipLabel(item: RevertSkipItem): string {
  return REVERT_SKIP_LABELS[item.reason];
}

export function revertToastMessage(summary: Pick<RevertSummary, "restored" | "skipped">): string {
  return `Restored ${summary.restored} fields, skipped ${summary.skipped}.`;
}

export function revertConfirmText(run: JobRun): string {
  return `Restore the previous values of ${run.changeCount} field changes made by this run on ${formatDateTime(
    run.createdAt,
  )}. Fields changed again since then, or locked now, are skipped.`;
}

/** Counts grid of an expanded run. */
export function runCounts(summary: RunSummary): [string, number][] {
  return [
    ["Planned", summary.planned],
    ["Succeeded", summary.succeeded],
    ["Failed", summary.failed],
    ["Skipped: not linked", summary.skipped.noExternalId],
    ["Skipped: synced recently", summary.skipped.recentlySynced],
    ["Skipped: no match", summary.skipped.noMatchCandidate],
    ["Skipped: low confidence", summary.skipped.lowConfidence],
    ["Not processed", summary.notProcessed],
    ["Fields changed", summary.fieldsChanged],
    ["Rate-limit retries", summary.rateLimitRetries],
  ];
}
