import { describe, expect, it } from "vitest";
import { reconnectDelayS, liveStatusFor } from "./backoff";
import { invalidationsForEvent } from "./eventEffects";
import { countActive, pruneFinished, reduceTaskEvent, selectJobTask, TERMINAL_KEEP_MS, type TaskState } from "./taskStore";

const EMPTY: TaskState = new Map();

describe("live task store (web-ui §5.2)", () => {
  it("merges lifecycle and progress events of one task", () => {
    let state = reduceTaskEvent(EMPTY, { type: "task.queued", taskId: "t", taskType: "refresh_library_metadata", status: "pending", jobId: "j" }, 0);
    state = reduceTaskEvent(state, { type: "task.started", taskId: "t", status: "processing" }, 0);
    state = reduceTaskEvent(state, { type: "task.progress", taskId: "t", current: 2, total: 3, message: "Refreshing", counts: { succeeded: 2, failed: 0, skipped: 0 } }, 0);
    const task = selectJobTask(state, "j");
    expect(task).toMatchObject({ status: "processing", current: 2, total: 3, message: "Refreshing", jobId: "j" });
    expect(countActive(state)).toBe(1);
  });

  it("keeps a terminal task for 5 s, then drops it", () => {
    let state = reduceTaskEvent(EMPTY, { type: "task.started", taskId: "t", status: "processing" }, 0);
    state = reduceTaskEvent(state, { type: "task.completed", taskId: "t", status: "completed" }, 1000);
    expect(countActive(state)).toBe(0);
    expect(pruneFinished(state, 1000 + TERMINAL_KEEP_MS - 1).has("t")).toBe(true);
    expect(pruneFinished(state, 1000 + TERMINAL_KEEP_MS).has("t")).toBe(false);
  });

  it("never mutates the previous state", () => {
    const next = reduceTaskEvent(EMPTY, { type: "task.queued", taskId: "t" }, 0);
    expect(EMPTY.size).toBe(0);
    expect(next.size).toBe(1);
  });
});

describe("reconnect backoff (web-ui §5.4)", () => {
  it("waits 1, 2, 4, 8, 16, 30, 30 s without jitter", () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((attempt) => reconnectDelayS(attempt, null))).toEqual([1, 2, 4, 8, 16, 30, 30]);
  });

  it("jitters by at most 20 %", () => {
    expect(reconnectDelayS(3, 0)).toBeCloseTo(6.4);
    expect(reconnectDelayS(3, 0.999999)).toBeCloseTo(9.6);
  });

  it("goes from reconnecting to offline after five failures", () => {
    expect(liveStatusFor(0, true)).toBe("live");
    expect(liveStatusFor(1, false)).toBe("reconnecting");
    expect(liveStatusFor(5, false)).toBe("offline");
  });
});

describe("event effects (web-ui §5.3)", () => {
  it("refetches the jobs and runs of a finished run", () => {
    expect(invalidationsForEvent("job.run_finished", { libraryId: "l", jobId: "j" }).map((effect) => effect.queryKey)).toEqual([
      ["jobs", "l"], ["jobRuns", "j"],
    ]);
  });

  it("refetches task lists only on terminal task events, throttled", () => {
    expect(invalidationsForEvent("task.progress", { libraryId: "l" })).toEqual([]);
    const effects = invalidationsForEvent("task.completed", { libraryId: "l" });
    expect(effects).toContainEqual({ queryKey: ["tasks"], throttle: "tasks" });
    expect(effects).toContainEqual({ queryKey: ["jobs", "l"] });
  });

  it("throttles series list refetches per library", () => {
    expect(invalidationsForEvent("series.metadata_updated", { libraryId: "l", seriesId: "s" })).toEqual([
      { queryKey: ["seriesDetail", "s"] }, { queryKey: ["series", "l"], throttle: "series:l" },
    ]);
  });
});
