import type { Task } from "../../api/types";
import type { LiveTask } from "../../live/taskStore";

export const TASK_TYPE_LABELS: Record<string, string> = {
  refresh_library_metadata: "Refresh metadata",
  scan_library: "Scan",
  auto_match: "Auto-match",
  revert_job_run: "Revert run",
};

export function taskTypeLabel(type: string): string {
  return TASK_TYPE_LABELS[type] ?? type;
}

export const TASK_STATUS_BADGES = {
  pending: { label: "Queued", color: "blue" },
  processing: { label: "Running", color: "blue" },
  completed: { label: "Completed", color: "green" },
  failed: { label: "Failed", color: "red" },
  cancelled: { label: "Cancelled", color: "gray" },
} as const;

/** "Running", "Queued", "Retry at 14:05", "Cancelling…" (web-ui §3.11.2). */
export function liveStateLabel(task: Pick<LiveTask, "status" | "cancelRequested" | "retryAt">): string {
  if (task.cancelRequested) return "Cancelling…";
  if (task.status === "pending" && task.retryAt) {
    const time = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit" }).format(new Date(task.retryAt));
    return `Retry at ${time}`;
  }
  return task.status === "processing" ? "Running" : "Queued";
}

export function canRetry(task: Pick<Task, "status">): boolean {
  return task.status === "failed" || task.status === "cancelled";
}
