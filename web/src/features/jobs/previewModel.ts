import type {
  CreateJob, DryRunItem, DryRunResponse, DryRunSkippedItem, MetadataRefreshConfig, SavedDryRun, UnsavedDryRun,
} from "../../api/types";
import { formatRelative } from "../../components/timeFormat";

export const SAMPLE_SIZES = [5, 10, 20] as const;
export const DEFAULT_SAMPLE_SIZE = 5;

/** Where a preview comes from (web-ui §3.8.1). */
export type PreviewSource =
  | { kind: "saved"; jobId: string }
  | { kind: "unsavedCreate"; body: CreateJob }
  | { kind: "unsavedEdit"; jobId: string; configOverride: MetadataRefreshConfig };

/** `POST …/jobs/dry-run` for an unsaved create, else `POST …/jobs/{jobId}/dry-run` (library-jobs §8). */
export type PreviewRequest =
  | { kind: "unsaved"; body: UnsavedDryRun }
  | { kind: "saved"; jobId: string; body: SavedDryRun };

export function previewRequest(source: PreviewSource, sampleSize: number): PreviewRequest {
  switch (source.kind) {
    case "saved":
      return { kind: "saved", jobId: source.jobId, body: { sampleSize } };
    case "unsavedCreate":
      return { kind: "unsaved", body: { ...source.body, sampleSize } };
    case "unsavedEdit":
      return { kind: "saved", jobId: source.jobId, body: { configOverride: source.configOverride, sampleSize } };
  }
}

/** "80 of 120 items would be processed · skipped before fetching: 30 not linked to X, 10 synced recently". */
export function previewSummary(response: DryRunResponse, providerName: string): string {
  const head = `${response.totalEligible} of ${response.totalItems} items would be processed`;
  const skips: string[] = [];
  if (response.estSkippedNoId > 0) skips.push(`${response.estSkippedNoId} not linked to ${providerName}`);
  if (response.estSkippedRecentlySynced > 0) skips.push(`${response.estSkippedRecentlySynced} synced recently`);
  return skips.length ? `${head} · skipped before fetching: ${skips.join(", ")}` : head;
}

const PLAN_FAILURES: Record<string, string> = {
  invalid_provider: "The provider setting is not valid.",
  plugin_missing: "The provider plugin is not installed.",
  plugin_disabled: "The provider plugin is disabled or not enabled for this library.",
  scope_not_supported: "The provider does not support this scope.",
};

export function planFailureMessage(code: string): string {
  return PLAN_FAILURES[code] ?? `The run cannot be planned: ${code}.`;
}

function formatConfidence(value: number | null): string {
  return (value ?? 0).toFixed(2);
}

/** Label of an item the run would skip after fetching (web-ui §3.8.8). */
export function itemSkipLabel(item: DryRunItem, minMatchConfidence: number): string {
  if (item.reason === "no_match_candidate") return "No match found";
  if (item.reason === "low_confidence") {
    return `Best match below the confidence threshold (${formatConfidence(item.matchConfidence)} < ${formatConfidence(minMatchConfidence)})`;
  }
  return item.reason ?? "Skipped";
}

export interface ItemBadge {
  label: string;
  color: "blue" | "gray" | "yellow" | "red";
}

export function itemStatusBadge(item: DryRunItem, minMatchConfidence: number): ItemBadge {
  switch (item.status) {
    case "would_change": {
      const count = item.changes.length;
      return { label: `Will change ${count} field${count === 1 ? "" : "s"}`, color: "blue" };
    }
    case "no_change":
      return { label: "No changes", color: "gray" };
    case "skipped":
      return { label: `Skipped: ${itemSkipLabel(item, minMatchConfidence)}`, color: "yellow" };
    case "error":
      return { label: "Error", color: "red" };
  }
}

/** A planner-skipped item (web-ui §3.8.9). */
export function skippedSampleLabel(item: DryRunSkippedItem, providerName: string, now: Date = new Date()): string {
  if (item.reason === "no_external_id") return `Not linked to ${providerName}`;
  if (item.reason === "recently_synced") {
    return item.lastSyncedAt ? `Synced ${formatRelative(item.lastSyncedAt, now)}` : "Synced recently";
  }
  return item.reason;
}

/** "Fields not written" lines: "<field> — <reason>". */
export function notWrittenLines(item: DryRunItem): string[] {
  return item.skipped.map((skip) => `${skip.field} — ${skip.reason}`);
}

export function entityPath(item: { entityType: string; entityId: string }): string {
  return item.entityType === "book" ? `/books/${item.entityId}` : `/series/${item.entityId}`;
}
