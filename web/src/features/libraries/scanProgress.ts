import type { Library } from "../../api/types";
import type { LiveTask } from "../../live/taskStore";
import { isActive } from "../../live/taskStore";

export interface ScanState {
  taskId: string;
  current: number | null;
  total: number | null;
  counts: Record<string, number>;
  message: string | null;
  cancelRequested: boolean;
}

/** The active scan of a library, from the live store first, else from `activeScan` on the DTO. */
export function activeScanOf(library: Pick<Library, "activeScan">, liveTask: LiveTask | undefined): ScanState | null {
  if (liveTask && isActive(liveTask)) {
    return {
      taskId: liveTask.taskId,
      current: liveTask.current,
      total: liveTask.total,
      counts: liveTask.counts ?? {},
      message: liveTask.message,
      cancelRequested: liveTask.cancelRequested,
    };
  }
  if (liveTask && !isActive(liveTask)) return null;
  if (!library.activeScan) return null;
  const progress = library.activeScan.progress;
  return {
    taskId: library.activeScan.taskId,
    current: progress?.current ?? null,
    total: progress?.total ?? null,
    counts: progress?.counts ?? {},
    message: progress?.message ?? null,
    cancelRequested: false,
  };
}

export function scanPercent(scan: ScanState): number | null {
  if (scan.current === null || !scan.total) return null;
  return Math.round((100 * scan.current) / scan.total);
}

/** "Scanning: 120 / 480 files · 12 added · 3 updated · 0 errors" (web-ui §3.3.2). */
export function scanBannerText(scan: ScanState): string {
  if (scan.current === null || scan.total === null) return "Scanning: discovering files…";
  const counts = scan.counts;
  return `Scanning: ${scan.current} / ${scan.total} files · ${counts.added ?? 0} added · ${counts.updated ?? 0} updated · ${counts.errors ?? 0} errors`;
}

export const SCAN_STATUS_BADGES = {
  completed: { label: "Completed", color: "green" },
  failed: { label: "Failed", color: "red" },
  cancelled: { label: "Cancelled", color: "gray" },
} as const;

/** Keep both ends of a long path visible ("/srv/med…/manga"); the full path goes in a tooltip. */
export function middleTruncate(text: string, maxChars = 40): string {
  if (text.length <= maxChars) return text;
  const keep = maxChars - 1;
  const head = Math.ceil(keep / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (keep - head))}`;
}
