import { Anchor, Group, MultiSelect, SegmentedControl, Select, Switch, TextInput } from "@mantine/core";
import { useDebouncedCallback } from "@mantine/hooks";
import { useState } from "react";
import type { PluginAction, SeriesStatus } from "../../api/types";
import { hasActiveFilters, SERIES_STATUSES, type MatchFilter, type SeriesFilters } from "./seriesFilters";

const SEARCH_DEBOUNCE_MS = 300;
const EMPTY: Omit<SeriesFilters, "sort" | "order"> = { search: "", status: [], provider: null, match: "any", includeDeleted: false };

interface SeriesFilterBarProps {
  filters: SeriesFilters;
  providers: PluginAction[];
  onChange: (filters: SeriesFilters) => void;
}

/** Search, status, provider + match and deleted filters (web-ui §3.3.3). */
export function SeriesFilterBar({ filters, providers, onChange }: SeriesFilterBarProps) {
  const [search, setSearch] = useState(filters.search);
  const commitSearch = useDebouncedCallback((value: string) => onChange({ ...filters, search: value }), SEARCH_DEBOUNCE_MS);
  return (
    <Group align="flex-end" gap="sm">
      <TextInput label="Search" placeholder="Title contains…" value={search}
        onChange={(event) => { setSearch(event.currentTarget.value); commitSearch(event.currentTarget.value); }} />
      <MultiSelect label="Status" data={SERIES_STATUSES} value={filters.status} clearable w={220}
        onChange={(value) => onChange({ ...filters, status: value as SeriesStatus[] })} />
      <Select label="Provider" placeholder="Any provider" clearable w={180} value={filters.provider}
        data={providers.map((provider) => ({ value: provider.pluginName, label: provider.pluginDisplayName }))}
        onChange={(value) => onChange({ ...filters, provider: value })} />
      <SegmentedControl aria-label="Match" disabled={!filters.provider} value={filters.match}
        data={[{ value: "any", label: "Any" }, { value: "linked", label: "Linked" }, { value: "unlinked", label: "Not linked" }]}
        onChange={(value) => onChange({ ...filters, match: value as MatchFilter })} />
      <Switch label="Show deleted" checked={filters.includeDeleted}
        onChange={(event) => onChange({ ...filters, includeDeleted: event.currentTarget.checked })} />
      {hasActiveFilters(filters) ? (
        <Anchor component="button" size="sm" onClick={() => { setSearch(""); onChange({ ...filters, ...EMPTY }); }}>Clear filters</Anchor>
      ) : null}
    </Group>
  );
}
