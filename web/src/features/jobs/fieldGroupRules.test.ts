import { describe, expect, it } from "vitest";
import { SERIES_GROUPS } from "../../test/fixtures";
import { extraFieldOptions, fieldGroupErrors, fieldsWritten, willWriteSummary } from "./fieldGroupRules";
import { newJobValues, valuesForScope } from "./jobFormValues";

describe("field groups (web-ui §3.7.6–8)", () => {
  it("writes the sorted union of group fields and extra fields", () => {
    const fields = fieldsWritten(SERIES_GROUPS, ["status", "ratings"], ["summary", "year"]);
    expect(fields).toEqual(["externalRatings", "rating", "status", "summary", "year"]);
    expect(willWriteSummary("series", fields)).toBe("Will write 5 series fields: externalRatings, rating, status, summary, year");
  });

  it("blocks an in-scope side with no group and no extra field", () => {
    expect(fieldGroupErrors({ ...newJobValues(), fieldGroups: [] })).toEqual({ fieldGroups: "Choose at least one field group or field" });
    expect(fieldGroupErrors({ ...newJobValues(), fieldGroups: [], extraFields: ["summary"] })).toEqual({});
    const books = { ...valuesForScope(newJobValues(), "books_only"), bookFieldGroups: [] };
    expect(fieldGroupErrors(books)).toEqual({ bookFieldGroups: "Choose at least one book field group or book field" });
  });

  it("ignores the side outside the scope", () => {
    expect(fieldGroupErrors({ ...newJobValues(), bookFieldGroups: [] })).toEqual({});
  });

  it("disables extra fields already covered by a checked group", () => {
    const options = extraFieldOptions(SERIES_GROUPS, ["status"]);
    expect(options.map((option) => option.value)).toEqual([...options.map((option) => option.value)].sort());
    expect(options.find((option) => option.value === "year")).toEqual({ value: "year", label: "year", disabled: true, description: "Included in Status" });
    expect(options.find((option) => option.value === "summary")?.disabled).toBe(false);
    expect(options).toHaveLength(20);
  });
});
