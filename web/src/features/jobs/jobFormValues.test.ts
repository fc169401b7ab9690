import { describe, expect, it } from "vitest";
import { job } from "../../test/fixtures";
import {
  advancedDiffersFromDefaults, autoNamePreview, clampConcurrency, createBodyFromValues, hoursToSeconds, newJobValues,
  patchBodyFromValues, secondsToHours, valuesForScope, valuesFromJob,
} from "./jobFormValues";

describe("job editor defaults and body (web-ui §3.7)", () => {
  it("starts a new job with the documented defaults", () => {
    const values = newJobValues();
    expect(values).toMatchObject({
      name: "", enabled: true, schedule: "daily", cronExpression: "0 4 * * *", timezone: null, provider: null,
      scope: "series_only", fieldGroups: ["ratings", "status", "counts"], extraFields: [],
      existingSourceIdsOnly: true, minMatchConfidence: 0.8, skipRecentlySyncedHours: 1, maxConcurrency: 4,
    });
    expect(advancedDiffersFromDefaults(values)).toBe(false);
  });

  it("omits a blank name on create", () => {
    const body = createBodyFromValues({ ...newJobValues(), name: "   ", provider: "plugin:echo" });
    expect("name" in body).toBe(false);
    expect(body.cronSchedule).toBe("0 4 * * *");
  });

  it("sends null for a blank name on edit so the server auto-names", () => {
    const body = patchBodyFromValues({ ...valuesFromJob(job()), name: "" });
    expect(body.name).toBeNull();
  });

  it("sends the server-default timezone as null", () => {
    expect(createBodyFromValues({ ...newJobValues(), provider: "plugin:echo" }).timezone).toBeNull();
    expect(createBodyFromValues({ ...newJobValues(), provider: "plugin:echo", timezone: "Europe/Berlin" }).timezone).toBe("Europe/Berlin");
  });

  it("PATCH sends name, enabled, cron, timezone and the whole config", () => {
    const body = patchBodyFromValues(valuesFromJob(job()));
    expect(Object.keys(body).sort()).toEqual(["config", "cronSchedule", "enabled", "name", "timezone"]);
    expect(body.config).toEqual(job().config);
  });

  it("sends the side outside the scope as empty lists", () => {
    const values = { ...newJobValues(), provider: "plugin:x", scope: "books_only" as const, fieldGroups: ["ratings"], extraFields: ["summary"], bookFieldGroups: ["isbn"] };
    const { config } = createBodyFromValues(values);
    expect(config.fieldGroups).toEqual([]);
    expect(config.extraFields).toEqual([]);
    expect(config.bookFieldGroups).toEqual(["isbn"]);
  });

  it("pre-checks book defaults the first time a book scope is chosen", () => {
    const values = valuesForScope(newJobValues(), "series_and_books");
    expect(values.bookFieldGroups).toEqual(["descriptive", "publication"]);
    expect(values.fieldGroups).toEqual(["ratings", "status", "counts"]);
  });

  it("keeps a user's book choice when the scope comes back", () => {
    const chosen = { ...valuesForScope(newJobValues(), "books_only"), bookFieldGroups: ["isbn"] };
    const back = valuesForScope(valuesForScope(chosen, "series_only"), "books_only");
    expect(back.bookFieldGroups).toEqual(["isbn"]);
  });

  it("previews the auto-name as the server builds it", () => {
    const values = { ...valuesForScope(newJobValues(), "series_and_books"), provider: "plugin:echo" };
    expect(autoNamePreview("Echo (demo)", values)).toBe("Echo (demo) — ratings, status, counts, descriptive, publication");
    expect(autoNamePreview(null, values)).toBe("");
  });
});

describe("number conversions (web-ui §3.7)", () => {
  it("stores hours as seconds and shows them back", () => {
    expect(hoursToSeconds(1.5)).toBe(5400);
    expect(secondsToHours(5400)).toBe(1.5);
    expect(hoursToSeconds(0)).toBe(0);
    expect(secondsToHours(3601)).toBe(1);
  });

  it("clamps concurrency to 1..16", () => {
    expect(clampConcurrency(0)).toBe(1);
    expect(clampConcurrency(40)).toBe(16);
    expect(clampConcurrency(6)).toBe(6);
  });

  it("hydrates a saved job's seconds as hours", () => {
    const saved = job({ config: { ...job().config!, skipRecentlySyncedWithinS: 5400 } });
    expect(valuesFromJob(saved).skipRecentlySyncedHours).toBe(1.5);
    expect(advancedDiffersFromDefaults(valuesFromJob(saved))).toBe(true);
  });
});
