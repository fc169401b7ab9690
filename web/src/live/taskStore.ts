import type { TaskStatus } from "../api/types";

/** Latest known state of one task, merged from lifecycle and progress events (web-ui §5.2). */
export interface LiveTask {
  taskId: string;
  taskType: string;
  status: TaskStatus;
  title: string | null;
  libraryId: string | null;
  jobId: string | null;
  runId: string | null;
  current: number | null;
  total: number | null;
  message: string | null;
  counts: Record<string, number> | null;
  cancelRequested: boolean;
  error: string | null;
  retryAt: string | null;
  startedAt: string | null;
  /** Client clock (ms) when a terminal event arrived; the entry leaves 5 s later. */
  finishedAtMs: number | null;
}

export type TaskState = ReadonlyMap<string, LiveTask>;

export interface TaskEventData {
  type: string;
  taskId: string;
  taskType?: string;
  status?: TaskStatus;
  title?: string | null;
  libraryId?: string | null;
  jobId?: string | null;
  runId?: string | null;
  current?: number;
  total?: number;
  message?: string | null;
  counts?: Record<string, number> | null;
  cancelRequested?: boolean;
  error?: string | null;
  retryAt?: string | null;
  startedAt?: string | null;
}

export const TERMINAL_KEEP_MS = 5000;
const TERMINAL_EVENTS = new Set(["task.completed", "task.failed", "task.cancelled"]);

export function isTerminalTaskEvent(type: string): boolean {
  return TERMINAL_EVENTS.has(type);
}

function emptyTask(taskId: string): LiveTask {
  return {
    taskId,
    taskType: "",
    status: "pending",
    title: null,
    libraryId: null,
    jobId: null,
    runId: null,
    current: null,
    total: null,
    message: null,
    counts: null,
    cancelRequested: false,
    error: null,
    retryAt: null,
    startedAt: null,
    finishedAtMs: null,
  };
}

function statusForEvent(type: string, event: TaskEventData, previous: TaskStatus): TaskStatus {
  if (event.status) return event.status;
  if (type === "task.progress" || type === "task.started") return "processing";
  return previous;
}

/** Fold one task event into the store; returns a new map (the old one is never mutated). */
export function reduceTaskEvent(state: TaskState, event: TaskEventData, nowMs: number): TaskState {
  const previous = state.get(event.taskId) ?? emptyTask(event.taskId);
  const next: LiveTask = {
    ...previous,
    taskType: event.taskType ?? previous.taskType,
    status: statusForEvent(event.type, event, previous.status),
    title: event.title ?? previous.title,
    libraryId: event.libraryId ?? previous.libraryId,
    jobId: event.jobId ?? previous.jobId,
    runId: event.runId ?? previous.runId,
    cancelRequested: event.cancelRequested ?? (event.type === "task.cancel_requested" || previous.cancelRequested),
    error: event.error ?? previous.error,
    retryAt: event.type === "task.retrying" ? (event.retryAt ?? null) : previous.retryAt,
    startedAt: event.startedAt ?? previous.startedAt,
    finishedAtMs: isTerminalTaskEvent(event.type) ? nowMs : previous.finishedAtMs,
  };
  if (event.type === "task.progress") {
    next.current = event.current ?? previous.current;
    next.total = event.total ?? previous.total;
    next.message = event.message ?? previous.message;
    next.counts = event.counts ?? previous.counts;
  }
  const updated = new Map(state);
  updated.set(event.taskId, next);
  return updated;
}

/** Drop tasks that finished more than TERMINAL_KEEP_MS ago. */
export function pruneFinished(state: TaskState, nowMs: number): TaskState {
  let changed = false;
  const kept = new Map<string, LiveTask>();
  for (const [id, task] of state) {
    if (task.finishedAtMs !== null && nowMs - task.finishedAtMs >= TERMINAL_KEEP_MS) {
      changed = true;
      continue;
    }
    kept.set(id, task);
  }
  return changed ? kept : state;
}

export function isActive(task: LiveTask): boolean {
  return task.finishedAtMs === null && (task.status === "pending" || task.status === "processing");
}

export function selectTask(state: TaskState, taskId: string | null | undefined): LiveTask | undefined {
  return taskId ? state.get(taskId) : undefined;
}

/** The newest task of a job (active first), for its row's live progress. */
export function selectJobTask(state: TaskState, jobId: string, taskType = "refresh_library_metadata"): LiveTask | undefined {
  let found: LiveTask | undefined;
  for (const task of state.values()) {
    if (task.jobId !== jobId || task.taskType !== taskType) continue;
    if (!found || (isActive(task) && !isActive(found))) found = task;
  }
  return found;
}

export function selectLibraryScan(state: TaskState, libraryId: string): LiveTask | undefined {
  let found: LiveTask | undefined;
  for (const task of state.values()) {
    if (task.libraryId === libraryId && task.taskType === "scan_library") {
      if (!found || isActive(task)) found = task;
    }
  }
  return found;
}

export function countActive(state: TaskState): number {
  let count = 0;
  for (const task of state.values()) if (isActive(task)) count += 1;
  return count;
}
