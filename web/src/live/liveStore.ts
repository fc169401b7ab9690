import { useSyncExternalStore } from "react";
import type { Task } from "../api/types";
import { pruneFinished, reduceTaskEvent, type TaskEventData, type TaskState } from "./taskStore";
import type { LiveStatus } from "./backoff";

type Listener = () => void;

/** One per tab: the task store plus the connection status, shared by every screen. */
class LiveStore {
  private tasks: TaskState = new Map();
  private status: LiveStatus = "connecting";
  private listeners = new Set<Listener>();

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getTasks = (): TaskState => this.tasks;
  getStatus = (): LiveStatus => this.status;

  applyEvent(event: TaskEventData, nowMs = Date.now()): void {
    this.tasks = reduceTaskEvent(this.tasks, event, nowMs);
    this.emit();
  }

  setStatus(status: LiveStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.emit();
  }

  prune(nowMs = Date.now()): void {
    const next = pruneFinished(this.tasks, nowMs);
    if (next === this.tasks) return;
    this.tasks = next;
    this.emit();
  }

  /** Seed from a REST answer (active tasks, a job's activeRun, a run-now response). */
  seedTasks(tasks: Task[]): void {
    for (const task of tasks) {
      this.tasks = reduceTaskEvent(
        this.tasks,
        {
          type: "task.seed",
          taskId: task.id,
          taskType: task.taskType,
          status: task.status,
          title: task.title,
          libraryId: task.libraryId,
          jobId: task.jobId,
          runId: task.runId,
          cancelRequested: task.cancelRequested,
          startedAt: task.startedAt,
        },
        Date.now(),
      );
      if (task.progress) {
        this.tasks = reduceTaskEvent(
          this.tasks,
          { type: "task.progress", taskId: task.id, status: task.status, ...task.progress },
          Date.now(),
        );
      }
    }
    this.emit();
  }

  reset(): void {
    this.tasks = new Map();
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

export const liveStore = new LiveStore();

export function useLiveTasks(): TaskState {
  return useSyncExternalStore(liveStore.subscribe, liveStore.getTasks);
}

export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(liveStore.subscribe, liveStore.getStatus);
}
