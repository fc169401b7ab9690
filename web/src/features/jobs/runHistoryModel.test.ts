import { describe, expect, it } from "vitest";
import type { JobRun, RunSummary } from "../../api/types";
import { revertButtonLabel, revertDisabledReason, revertSkipLabel, runSummaryText } from "./runHistoryModel";

const SUMMARY: RunSummary = {
  planned: 10, succeeded: 8, failed: 1,
  skipped: { noExternalId: 2, recentlySynced: 1, noMatchCandidate: 1, lowConfidence: 0 },
  notProcessed: 0, itemsChanged: 5, fieldsChanged: 12, rateLimitRetries: 0, planFailure: null, errors: [],
};

function run(overrides: Partial<JobRun> = {}): JobRun {
  return {
    id: "r1", jobId: "j1", libraryId: "l1", taskId: "t1", trigger: "manual", status: "success",
    createdAt: "2026-06-07T04:00:00Z", startedAt: "2026-06-07T04:00:01Z", finishedAt: "2026-06-07T04:01:00Z",
    scheduledFor: null, requestedBy: null, config: null, revertedBy: null,
    message: null, summary: SUMMARY, changeCount: 12, revertedAt: null, revertSummary: null, ...overrides,
  };
}

describe("run history (web-ui §3.9)", () => {
  it("summarises a run", () => {
    expect(runSummaryText(SUMMARY)).toBe("5 changed · 3 unchanged · 4 skipped · 1 failed");
  });

  it("says why Revert is disabled, in the spec's order", () => {
    const idle = { activeRun: null };
    expect(revertDisabledReason(run({ status: "running" }), idle, false)).toBe("Run still in progress");
    expect(revertDisabledReason(run({ revertedAt: "2026-06-08T10:00:00Z" }), idle, false)).toMatch(/^Already reverted on /);
    expect(revertDisabledReason(run({ changeCount: 0 }), idle, false)).toBe("Nothing to revert");
    expect(revertDisabledReason(run(), idle, true)).toBe("Revert in progress");
    expect(revertDisabledReason(run(), { activeRun: { runId: "r2", taskId: "t2", status: "running" } }, false)).toBe("Wait for the current run to finish");
    expect(revertDisabledReason(run(), idle, false)).toBeNull();
  });

  it("offers Revert again after a revert with failures", () => {
    const partly = run({ revertSummary: { restored: 3, skipped: 0, failed: 2, skippedByReason: {}, skippedItems: [] } });
    expect(revertButtonLabel(partly)).toBe("Revert again");
    expect(revertButtonLabel(run())).toBe("Revert");
  });

  it("labels revert skips by code", () => {
    const base = { entityType: "series" as const, entityId: "s", field: "summary", message: "Changed since the run" };
    expect(revertSkipLabel({ ...base, reason: "changed_since" })).toBe("Changed again since");
    expect(revertSkipLabel({ ...base, reason: "not_revertible" })).toBe("Covers are not reverted");
    expect(revertSkipLabel({ ...base, reason: "locked", message: "Field is locked" })).toBe("Locked now");
    expect(revertSkipLabel({ ...base, reason: "entity_missing", message: "Entity no longer exists" })).toBe("Item no longer exists");
  });
});
