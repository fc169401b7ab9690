import { describe, expect, it } from "vitest";
import { controlForServerField, mapServerErrors } from "./serverErrors";

describe("server errors on editor controls (web-ui §3.7.11)", () => {
  it.each([
    ["name", "name"],
    ["cronSchedule", "cronExpression"],
    ["timezone", "timezone"],
    ["config.provider", "provider"],
    ["config.scope", "scope"],
    ["config.fieldGroups", "fieldGroups"],
    ["config.fieldGroups[1]", "fieldGroups"],
    ["config.extraFields[0]", "fieldGroups"],
    ["config.bookFieldGroups", "bookFieldGroups"],
    ["config.bookExtraFields[2]", "bookFieldGroups"],
    ["config.existingSourceIdsOnly", "existingSourceIdsOnly"],
    ["config.minMatchConfidence", "minMatchConfidence"],
    ["config.skipRecentlySyncedWithinS", "skipRecentlySyncedHours"],
    ["config.maxConcurrency", "maxConcurrency"],
    ["config.type", null],
    ["config.fieldGroupsX", null],
    ["query.sampleSize", null],
    ["", null],
  ])("%s → %s", (field, control) => {
    expect(controlForServerField(field)).toBe(control);
  });

  it("sends unknown paths to the top alert and focuses the first control from the top", () => {
    const mapped = mapServerErrors([
      { field: "config.maxConcurrency", message: "maxConcurrency must be between 1 and 16" },
      { field: "cronSchedule", message: "invalid cron expression: expected 5 fields, got 4" },
      { field: "config.type", message: "unknown job type" },
    ]);
    expect(mapped.fieldErrors).toEqual({
      maxConcurrency: "maxConcurrency must be between 1 and 16",
      cronExpression: "invalid cron expression: expected 5 fields, got 4",
    });
    expect(mapped.topErrors).toEqual(["config.type: unknown job type"]);
    expect(mapped.firstControl).toBe("cronExpression");
    expect(mapped.switchToCustom).toBe(true);
    expect(mapped.expandAdvanced).toBe(true);
  });

  it("shows an error without field entries in the top alert", () => {
    expect(mapServerErrors([], "plugin 'x' is not installed").topErrors).toEqual(["plugin 'x' is not installed"]);
  });
});
