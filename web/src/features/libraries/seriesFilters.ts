import type { SeriesStatus } from "../../api/types";

/** Library page filters, mirrored in the URL query string (web-ui §3.3.3). */
export type MatchFilter = "any" | "linked" | "unlinked";
export type SeriesSort = "title" | "lastSynced" | "updated";

export interface SeriesFilters {
  search: string;
  status: SeriesStatus[];
  provider: string | null;
  match: MatchFilter;
  includeDeleted: boolean;
  sort: SeriesSort;
  order: "asc" | "desc";
}

export const SERIES_STATUSES: { value: SeriesStatus; label: string }[] = [
  { value: "ongoing", label: "Ongoing" },
  { value: "ended", label: "Ended" },
  { value: "hiatus", label: "Hiatus" },
  { value: "abandoned", label: "Abandoned" },
  { value: "unknown", label: "Unknown" },
];

const STATUS_VALUES = new Set<string>(SERIES_STATUSES.map((status) => status.value));

export function filtersFromSearchParams(params: URLSearchParams): SeriesFilters {
  const match = params.get("match");
  const sort = params.get("sort");
  return {
    search: params.get("search") ?? "",
    status: (params.get("status") ?? "").split(",").filter((value) => STATUS_VALUES.has(value)) as SeriesStatus[],
    provider: params.get("provider"),
    match: match === "linked" || match === "unlinked" ? match : "any",
    includeDeleted: params.get("includeDeleted") === "true",
    sort: sort === "lastSynced" || sort === "updated" ? sort : "title",
    order: params.get("order") === "desc" ? "desc" : "asc",
  };
}

export function searchParamsFromFilters(filters: SeriesFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.search) params.set("search", filters.search);
  if (filters.status.length > 0) params.set("status", filters.status.join(","));
  if (filters.provider) params.set("provider", filters.provider);
  if (filters.match !== "any") params.set("match", filters.match);
  if (filters.includeDeleted) params.set("includeDeleted", "true");
  if (filters.sort !== "title") params.set("sort", filters.sort);
  if (filters.order !== "asc") params.set("order", filters.order);
  return params;
}

export function hasActiveFilters(filters: SeriesFilters): boolean {
  return Boolean(filters.search || filters.status.length || filters.provider || filters.match !== "any" || filters.includeDeleted);
}

/** Query parameters of `GET /libraries/{id}/series` (web-ui §8). */
export function seriesListQueryParams(filters: SeriesFilters) {
  return {
    search: filters.search || undefined,
    // The server takes a comma list (web-ui §8).
    status: filters.status.length ? filters.status.join(",") : undefined,
    provider: filters.provider ?? undefined,
    match: filters.provider && filters.match !== "any" ? filters.match : undefined,
    includeDeleted: filters.includeDeleted || undefined,
    sort: filters.sort,
    order: filters.order,
  };
}
