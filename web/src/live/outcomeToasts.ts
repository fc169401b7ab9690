import { toast } from "../app/toasts";

/** Payload fields of `job.run_finished`, `job.run_reverted` and `task.failed` that the toasts use. */
export interface OutcomeEvent {
  runId?: string | null;
  taskType?: string;
  status?: string;
  message?: string | null;
  restored?: number;
  skipped?: number;
  error?: string | null;
}

const RUN_FINISHED_TOASTS: Record<string, [keyof typeof toast, string]> = {
  success: ["success", "Run finished"],
  partial: ["warning", "Run partly failed"],
  failure: ["error", "Run failed"],
  cancelled: ["neutral", "Run cancelled"],
};

/** An unclaimed outcome is kept this long for a 202 answer that is still on its way. */
const UNCLAIMED_KEEP_MS = 60_000;

/**
 * The outcome toasts of runs and reverts started in this tab (web-ui §4.2). A fast run can finish
 * before its run-now answer is read, so an outcome that arrives first waits here for its answer.
 * Reverts are registered before the request is sent, which closes the same race.
 */
export class OutcomeToasts {
  private awaitedRuns = new Set<string>();
  private unclaimedRuns = new Map<string, { event: OutcomeEvent; atMs: number }>();
  private awaitedReverts = new Set<string>();

  runStarted(runId: string, nowMs = Date.now()): void {
    this.forgetOld(nowMs);
    const unclaimed = this.unclaimedRuns.get(runId);
    if (!unclaimed) {
      this.awaitedRuns.add(runId);
      return;
    }
    this.unclaimedRuns.delete(runId);
    showRunFinished(unclaimed.event);
  }

  runFinished(event: OutcomeEvent, nowMs = Date.now()): void {
    const runId = event.runId ?? "";
    if (this.awaitedRuns.delete(runId)) showRunFinished(event);
    else this.unclaimedRuns.set(runId, { event, atMs: nowMs });
  }

  revertRequested(runId: string): void {
    this.awaitedReverts.add(runId);
  }

  revertRefused(runId: string): void {
    this.awaitedReverts.delete(runId);
  }

  runReverted(event: OutcomeEvent): void {
    if (!this.awaitedReverts.delete(event.runId ?? "")) return;
    toast.success("Run reverted", `Restored ${event.restored ?? 0} fields, skipped ${event.skipped ?? 0}.`);
  }

  taskFailed(event: OutcomeEvent): void {
    if (event.taskType !== "revert_job_run" || !this.awaitedReverts.delete(event.runId ?? "")) return;
    toast.error("Revert failed", event.error ?? "");
  }

  private forgetOld(nowMs: number): void {
    for (const [runId, { atMs }] of this.unclaimedRuns) {
      if (nowMs - atMs > UNCLAIMED_KEEP_MS) this.unclaimedRuns.delete(runId);
    }
  }
}

function showRunFinished(event: OutcomeEvent): void {
  const [kind, title] = RUN_FINISHED_TOASTS[event.status ?? ""] ?? ["info", "Run finished"];
  toast[kind](title, event.message ?? "");
}

/** One per tab, shared by the job rows, the history drawer and the event streams. */
export const outcomeToasts = new OutcomeToasts();
