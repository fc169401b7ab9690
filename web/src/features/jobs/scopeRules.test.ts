import { describe, expect, it } from "vitest";
import type { JobScope, PluginCapabilities } from "../../api/types";
import { correctScope, scopeCorrectedMessage, supportedScopes, unsupportedScopeReason } from "./scopeRules";

const SERIES: PluginCapabilities = { metadataProvider: ["series"] };
const BOOK: PluginCapabilities = { metadataProvider: ["book"] };
const BOTH: PluginCapabilities = { metadataProvider: ["series", "book"] };

describe("scope auto-correct (web-ui §3.7.5)", () => {
  it.each<[JobScope, PluginCapabilities, JobScope, "book" | "series" | null]>([
    ["series_only", SERIES, "series_only", null],
    ["series_only", BOOK, "books_only", "book"],
    ["series_only", BOTH, "series_only", null],
    ["books_only", SERIES, "series_only", "series"],
    ["books_only", BOOK, "books_only", null],
    ["books_only", BOTH, "books_only", null],
    ["series_and_books", SERIES, "series_only", "series"],
    ["series_and_books", BOOK, "books_only", "book"],
    ["series_and_books", BOTH, "series_and_books", null],
  ])("%s with %j becomes %s", (scope, capabilities, expected, onlySide) => {
    expect(correctScope(scope, capabilities)).toEqual({ scope: expected, onlySide });
  });

  it("disables the scopes a provider cannot serve", () => {
    expect(supportedScopes(SERIES)).toEqual(["series_only"]);
    expect(supportedScopes(BOOK)).toEqual(["books_only"]);
    expect(supportedScopes(BOTH)).toEqual(["series_only", "books_only", "series_and_books"]);
    expect(unsupportedScopeReason("books_only", "Echo", SERIES)).toBe("Echo doesn't provide book metadata");
    expect(unsupportedScopeReason("series_and_books", "Open Library", BOOK)).toBe("Open Library doesn't provide series metadata");
    expect(unsupportedScopeReason("series_only", "Echo", SERIES)).toBeNull();
  });

  it("words the toast as the catalogue says", () => {
    expect(scopeCorrectedMessage("Open Library", "book")).toBe("Open Library only supports book metadata.");
  });
});
