import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/errors";
import type { PreviewField } from "../../api/types";
import { applyFields, appliedToastMessage, initiallyChecked, isRowDisabled, providerErrorMessage, visibleRows } from "./fetchMetadataModel";

const row = (field: string, status: PreviewField["status"]): PreviewField => ({ field, status, currentValue: null, proposedValue: null, reason: null });
const FIELDS = [row("title", "will_apply"), row("summary", "locked"), row("year", "unchanged"), row("status", "will_apply"), row("genres", "not_provided"), row("tags", "invalid")];

describe("fetch metadata review (web-ui §3.4.6)", () => {
  it("pre-checks will_apply rows and disables locked, no-permission and invalid ones", () => {
    expect([...initiallyChecked(FIELDS)]).toEqual(["title", "status"]);
    expect(FIELDS.filter(isRowDisabled).map((field) => field.field)).toEqual(["summary", "tags"]);
  });

  it("hides unchanged and not-provided rows until asked", () => {
    expect(visibleRows(FIELDS, false)).toEqual({ rows: [FIELDS[0], FIELDS[1], FIELDS[3], FIELDS[5]], hiddenCount: 2 });
    expect(visibleRows(FIELDS, true).rows).toHaveLength(6);
  });

  it("applies exactly the checked enabled fields", () => {
    expect(applyFields(FIELDS, new Set(["status", "summary", "year"]))).toEqual(["year", "status"]);
  });

  it("words the toast and provider errors", () => {
    const response = { pluginId: "p", externalId: "1", externalUrl: null, dryRun: false, applied: ["title", "status"], unchanged: [], changes: [], skipped: [{ field: "summary", reason: "Field is locked" }] };
    expect(appliedToastMessage(response, "AniList")).toBe("Applied 2 fields from AniList. Skipped: summary (Field is locked).");
    expect(providerErrorMessage(new ApiError(429, { error: "plugin_rate_limited", message: "x" }, { retryAfterS: 12 }), "AniList")).toBe("AniList is rate limiting requests. Try again in 12 s.");
    expect(providerErrorMessage(new ApiError(504, { error: "plugin_timeout", message: "x" }), "AniList")).toBe("AniList did not answer in time.");
    expect(providerErrorMessage(new ApiError(502, { error: "plugin_error", message: "plugin 'anilist' failed: boom" }), "AniList")).toBe("plugin 'anilist' failed: boom");
  });
});
