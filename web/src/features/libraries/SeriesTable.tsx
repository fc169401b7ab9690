import { Button, Checkbox, Group, Stack, Table, Text, UnstyledButton, VisuallyHidden } from "@mantine/core";
import { IconArrowDown, IconArrowUp } from "@tabler/icons-react";
import type { SeriesListItem } from "../../api/types";
import type { SeriesFilters, SeriesSort } from "./seriesFilters";
import { MAX_PROVIDER_COLUMNS, showingText, type ProviderColumn } from "./seriesTableModel";
import { SeriesTableRow } from "./SeriesTableRow";

interface SeriesTableProps {
  rows: SeriesListItem[];
  total: number;
  columns: ProviderColumn[];
  filters: SeriesFilters;
  onSort: (sort: SeriesSort) => void;
  selectable: boolean;
  selected: Set<string>;
  onSelectionChange: (selected: Set<string>) => void;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
}

function SortHeader({ label, sort, filters, onSort }: { label: string; sort: SeriesSort; filters: SeriesFilters; onSort: (sort: SeriesSort) => void }) {
  const active = filters.sort === sort;
  const Arrow = filters.order === "desc" ? IconArrowDown : IconArrowUp;
  return (
    <Table.Th aria-sort={active ? (filters.order === "desc" ? "descending" : "ascending") : "none"}>
      <UnstyledButton onClick={() => onSort(sort)}>
        <Group gap={4} wrap="nowrap"><Text size="sm" fw={700}>{label}</Text>{active ? <Arrow size={14} /> : null}</Group>
      </UnstyledButton>
    </Table.Th>
  );
}

/** Series of a library with match state and last synced (web-ui §3.3.4). */
export function SeriesTable(props: SeriesTableProps) {
  const { rows, columns, selected } = props;
  const allSelected = rows.length > 0 && rows.every((row) => selected.has(row.id));
  const toggleAll = (checked: boolean) => props.onSelectionChange(new Set(checked ? rows.map((row) => row.id) : []));
  const toggleOne = (id: string, checked: boolean) => {
    const next = new Set(selected);
    if (checked) next.add(id);
    else next.delete(id);
    props.onSelectionChange(next);
  };
  return (
    <Stack gap="xs">
      <Table.ScrollContainer minWidth={900}>
        <Table highlightOnHover>
          <Table.Caption><VisuallyHidden>Series</VisuallyHidden></Table.Caption>
          <Table.Thead>
            <Table.Tr>
              {props.selectable ? <Table.Th><Checkbox aria-label="Select all series" checked={allSelected} onChange={(event) => toggleAll(event.currentTarget.checked)} /></Table.Th> : null}
              <Table.Th><VisuallyHidden>Cover</VisuallyHidden></Table.Th>
              <SortHeader label="Title" sort="title" filters={props.filters} onSort={props.onSort} />
              <Table.Th>Status</Table.Th>
              <Table.Th>Books</Table.Th>
              {columns.length > MAX_PROVIDER_COLUMNS ? <Table.Th>Matches</Table.Th> : columns.map((column) => <Table.Th key={column.pluginName}>{column.heading}</Table.Th>)}
              <SortHeader label="Last synced" sort="lastSynced" filters={props.filters} onSort={props.onSort} />
              <SortHeader label="Updated" sort="updated" filters={props.filters} onSort={props.onSort} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <SeriesTableRow key={row.id} series={row} columns={columns} selectable={props.selectable}
                selected={selected.has(row.id)} onSelect={(checked) => toggleOne(row.id, checked)} />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">{showingText(rows.length, props.total)}</Text>
        {props.hasMore ? <Button variant="default" size="xs" loading={props.loadingMore} onClick={props.onLoadMore}>Load more</Button> : null}
      </Group>
    </Stack>
  );
}
