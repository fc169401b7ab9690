import { describe, expect, it } from "vitest";
import type { DryRunItem, DryRunResponse } from "../../api/types";
import { job } from "../../test/fixtures";
import { itemStatusBadge, notWrittenLines, planFailureMessage, previewRequest, previewSummary, skippedSampleLabel } from "./previewModel";

function item(overrides: Partial<DryRunItem>): DryRunItem {
  return {
    entityType: "series", entityId: "s1", seriesId: "s1", name: "Alpha", status: "would_change", externalId: null, matchConfidence: null,
    changes: [], unchanged: [], skipped: [], reason: null, ...overrides,
  };
}

function response(overrides: Partial<DryRunResponse>): DryRunResponse {
  return {
    jobId: null, config: job().config!, totalItems: 120, totalEligible: 80, estSkippedNoId: 30, estSkippedRecentlySynced: 10,
    planFailure: null, sampleSize: 5, sample: [], skippedSample: [], ...overrides,
  };
}

describe("preview logic (web-ui §3.8)", () => {
  it("summarises eligible items and the planner's skips, omitting zero counts", () => {
    expect(previewSummary(response({}), "AniList")).toBe(
      "80 of 120 items would be processed · skipped before fetching: 30 not linked to AniList, 10 synced recently",
    );
    expect(previewSummary(response({ estSkippedNoId: 0 }), "AniList")).toBe(
      "80 of 120 items would be processed · skipped before fetching: 10 synced recently",
    );
    expect(previewSummary(response({ estSkippedNoId: 0, estSkippedRecentlySynced: 0 }), "AniList")).toBe("80 of 120 items would be processed");
  });

  it.each([
    ["invalid_provider", "The provider setting is not valid."],
    ["plugin_missing", "The provider plugin is not installed."],
    ["plugin_disabled", "The provider plugin is disabled or not enabled for this library."],
    ["scope_not_supported", "The provider does not support this scope."],
  ])("explains plan failure %s", (code, message) => {
    expect(planFailureMessage(code)).toBe(message);
  });

  it("labels item statuses and skip reasons", () => {
    const changes = [{ field: "summary", before: "a", after: "b" }, { field: "year", before: 1, after: 2 }];
    expect(itemStatusBadge(item({ changes }), 0.8)).toEqual({ label: "Will change 2 fields", color: "blue" });
    expect(itemStatusBadge(item({ status: "no_change" }), 0.8)).toEqual({ label: "No changes", color: "gray" });
    expect(itemStatusBadge(item({ status: "skipped", reason: "no_match_candidate" }), 0.8).label).toBe("Skipped: No match found");
    expect(itemStatusBadge(item({ status: "skipped", reason: "low_confidence", matchConfidence: 0.62 }), 0.8).label).toBe(
      "Skipped: Best match below the confidence threshold (0.62 < 0.80)",
    );
    expect(itemStatusBadge(item({ status: "error", reason: "rate limited by provider; retry after 5s" }), 0.8)).toEqual({ label: "Error", color: "red" });
  });

  it("lists fields not written with the server's reasons", () => {
    const skipped = [{ field: "status", reason: "Field is locked" }, { field: "year", reason: "Invalid value: out of range" }];
    expect(notWrittenLines(item({ skipped }))).toEqual(["status — Field is locked", "year — Invalid value: out of range"]);
  });

  it("labels items skipped before fetching", () => {
    const now = new Date("2026-06-07T12:00:00Z");
    expect(skippedSampleLabel({ entityType: "series", entityId: "a", name: "A", reason: "no_external_id", lastSyncedAt: null }, "AniList", now)).toBe("Not linked to AniList");
    expect(skippedSampleLabel({ entityType: "series", entityId: "a", name: "A", reason: "recently_synced", lastSyncedAt: "2026-06-07T11:30:00Z" }, "AniList", now)).toBe("Synced 30 minutes ago");
  });

  it("uses the unsaved and saved endpoints with their bodies", () => {
    const body = { enabled: true, cronSchedule: "0 4 * * *", timezone: null, config: job().config! };
    expect(previewRequest({ kind: "unsavedCreate", body }, 10)).toEqual({ kind: "unsaved", body: { ...body, sampleSize: 10 } });
    expect(previewRequest({ kind: "unsavedEdit", jobId: "j1", configOverride: job().config! }, 5)).toEqual({
      kind: "saved", jobId: "j1", body: { configOverride: job().config, sampleSize: 5 },
    });
    expect(previewRequest({ kind: "saved", jobId: "j1" }, 20)).toEqual({ kind: "saved", jobId: "j1", body: { sampleSize: 20 } });
  });
});
