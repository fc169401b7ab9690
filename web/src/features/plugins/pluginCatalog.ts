import type { Plugin, PluginTestResult } from "../../api/types";

export const PLUGIN_SCOPES = [
  { value: "series:detail", label: "Series page: Fetch metadata", side: "series" },
  { value: "series:bulk", label: "Scheduled jobs and bulk actions on series", side: "series" },
  { value: "book:detail", label: "Book page: Fetch metadata", side: "book" },
  { value: "book:bulk", label: "Scheduled jobs and bulk actions on books", side: "book" },
] as const;

export const WILDCARD_PERMISSION = "metadata:write:*";
export const COMMON_WRITE_PERMISSIONS = [
  "title", "summary", "genres", "tags", "covers", "ratings", "links", "external_ids", "year", "status", "publisher",
  "age_rating", "language", "reading_direction", "total_volume_count", "total_chapter_count",
].map((suffix) => `metadata:write:${suffix}`);
export const BOOK_WRITE_PERMISSIONS = [
  "book_type", "subtitle", "authors", "translator", "edition", "original_title", "original_year", "series_position",
  "subjects", "awards", "custom_metadata", "isbn", "volume", "chapter",
].map((suffix) => `metadata:write:${suffix}`);

/** "title" from "metadata:write:title", shown as "Title". */
export function permissionLabel(permission: string): string {
  const suffix = permission.split(":").pop() ?? permission;
  const words = suffix.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const HEALTH_BADGES = {
  healthy: { label: "Healthy", color: "green" },
  degraded: { label: "Degraded", color: "yellow" },
  unhealthy: { label: "Unhealthy", color: "orange" },
  disabled: { label: "Disabled", color: "red" },
  unknown: { label: "Unknown", color: "gray" },
} as const;

export function rateLimitText(perMinute: number): string {
  return perMinute === 0 ? "Unlimited" : `${perMinute} / min`;
}

export function capabilitySides(plugin: Plugin): string[] {
  const sides = plugin.manifest?.capabilities.metadataProvider ?? [];
  return [...(sides.includes("series") ? ["Series"] : []), ...(sides.includes("book") ? ["Books"] : [])];
}

/** "Started in 120 ms, ping 3 ms · echo v1.0 · Series, Books" (web-ui §3.10.5). */
export function testResultSummary(result: PluginTestResult): string {
  const timings = result.timings;
  const started = (timings.spawnMs ?? 0) + (timings.initializeMs ?? 0);
  const parts = [`Started in ${started} ms, ping ${timings.pingMs ?? "?"} ms`];
  if (result.manifest) parts.push(`${result.manifest.name} v${result.manifest.version}`);
  const sides = result.contentTypes.map((side) => (side === "series" ? "Series" : "Books"));
  if (sides.length) parts.push(sides.join(", "));
  return parts.join(" · ");
}
