import type { JobScope, PluginCapabilities } from "../../api/types";

export const SCOPE_OPTIONS: { value: JobScope; label: string }[] = [
  { value: "series_only", label: "Series only" },
  { value: "books_only", label: "Books only" },
  { value: "series_and_books", label: "Series & books" },
];

export function scopeLabel(scope: JobScope): string {
  return SCOPE_OPTIONS.find((option) => option.value === scope)?.label ?? scope;
}

export function scopeWritesSeries(scope: JobScope): boolean {
  return scope === "series_only" || scope === "series_and_books";
}

export function scopeWritesBooks(scope: JobScope): boolean {
  return scope === "books_only" || scope === "series_and_books";
}

interface ProviderSides {
  series: boolean;
  book: boolean;
}

export function providerSides(capabilities: PluginCapabilities | undefined): ProviderSides {
  const provided = capabilities?.metadataProvider ?? [];
  return { series: provided.includes("series"), book: provided.includes("book") };
}

/** Scopes a provider can serve; every scope when the provider is unknown (nothing to judge by). */
export function supportedScopes(capabilities: PluginCapabilities | undefined): JobScope[] {
  if (!capabilities) return SCOPE_OPTIONS.map((option) => option.value);
  const sides = providerSides(capabilities);
  return SCOPE_OPTIONS.map((option) => option.value).filter(
    (scope) => (!scopeWritesSeries(scope) || sides.series) && (!scopeWritesBooks(scope) || sides.book),
  );
}

/** Tooltip of a disabled scope option: "<Provider> doesn't provide <series|book> metadata". */
export function unsupportedScopeReason(scope: JobScope, providerName: string, capabilities: PluginCapabilities): string | null {
  const sides = providerSides(capabilities);
  if (scopeWritesSeries(scope) && !sides.series) return `${providerName} doesn't provide series metadata`;
  if (scopeWritesBooks(scope) && !sides.book) return `${providerName} doesn't provide book metadata`;
  return null;
}

export interface ScopeCorrection {
  scope: JobScope;
  /** Set when the scope had to change: the side the provider supports, for the toast. */
  onlySide: "book" | "series" | null;
}

/**
 * Replace a scope the provider cannot serve (web-ui §3.7.5): series_only → books_only for a
 * book-only provider, books_only → series_only for a series-only one, and both → the side it has.
 */
export function correctScope(scope: JobScope, capabilities: PluginCapabilities): ScopeCorrection {
  const sides = providerSides(capabilities);
  const supported = supportedScopes(capabilities);
  if (supported.includes(scope) || supported.length === 0) return { scope, onlySide: null };
  if (sides.book && !sides.series) return { scope: "books_only", onlySide: "book" };
  return { scope: "series_only", onlySide: "series" };
}

/** The first scope the provider supports: the default scope of a new job. */
export function firstSupportedScope(capabilities: PluginCapabilities): JobScope {
  return supportedScopes(capabilities)[0] ?? "series_only";
}

export function scopeCorrectedMessage(providerName: string, onlySide: "book" | "series"): string {
  return `${providerName} only supports ${onlySide} metadata.`;
}
