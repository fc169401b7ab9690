import { Anchor, Badge, Checkbox, Group, Image, Table, Text, Tooltip } from "@mantine/core";
import { IconCheck } from "@tabler/icons-react";
import { Link } from "react-router";
import type { SeriesListItem } from "../../api/types";
import { RelativeTime } from "../../components/RelativeTime";
import { formatRelative } from "../../components/timeFormat";
import { MAX_PROVIDER_COLUMNS, type ProviderColumn } from "./seriesTableModel";

const PLACEHOLDER_COVER = "data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' width='32' height='48'><rect width='32' height='48' fill='%23ddd'/></svg>";

function MatchCell({ series, column }: { series: SeriesListItem; column: ProviderColumn }) {
  const match = series.matches.find((candidate) => candidate.pluginName === column.pluginName);
  if (!match) return <Tooltip label="Not linked"><Text span c="dimmed">—</Text></Tooltip>;
  const icon = <IconCheck size={16} color="var(--mantine-color-green-7)" aria-label={`Linked to ${column.heading}`} />;
  return (
    <Tooltip label={`Linked: ${match.externalId}`}>
      {match.externalUrl ? <Anchor href={match.externalUrl} target="_blank" rel="noreferrer">{icon}</Anchor> : <span>{icon}</span>}
    </Tooltip>
  );
}

function LastSyncedCell({ series }: { series: SeriesListItem }) {
  if (!series.lastSyncedAt) return <Text size="sm" c="dimmed">Never</Text>;
  const perProvider = series.matches
    .filter((match) => match.lastSyncedAt)
    .map((match) => `${match.pluginName}: ${formatRelative(match.lastSyncedAt ?? "")}`)
    .join(" · ");
  return <Tooltip label={perProvider || "—"}><Text size="sm">{formatRelative(series.lastSyncedAt)}</Text></Tooltip>;
}

interface SeriesTableRowProps {
  series: SeriesListItem;
  columns: ProviderColumn[];
  selectable: boolean;
  selected: boolean;
  onSelect: (selected: boolean) => void;
}

export function SeriesTableRow({ series, columns, selectable, selected, onSelect }: SeriesTableRowProps) {
  const chips = columns.length > MAX_PROVIDER_COLUMNS;
  return (
    <Table.Tr data-testid="series-row" data-id={series.id}>
      {selectable ? (
        <Table.Td><Checkbox aria-label={`Select ${series.title}`} checked={selected} onChange={(event) => onSelect(event.currentTarget.checked)} /></Table.Td>
      ) : null}
      <Table.Td><Image src={`/api/v1/series/${series.id}/cover?size=thumb`} w={32} h={48} fit="cover" fallbackSrc={PLACEHOLDER_COVER} alt="" /></Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          <Anchor component={Link} to={`/series/${series.id}`}>{series.title}</Anchor>
          {series.deleted ? <Badge color="red" size="xs">Deleted</Badge> : null}
        </Group>
      </Table.Td>
      <Table.Td>{series.status ? <Badge variant="light" size="sm">{series.status}</Badge> : "—"}</Table.Td>
      <Table.Td>{series.bookCount}</Table.Td>
      {chips ? (
        <Table.Td>
          <Group gap={4}>{series.matches.map((match) => <Tooltip key={match.pluginName} label={`Linked: ${match.externalId}`}><Badge size="xs" variant="outline">{match.pluginName}</Badge></Tooltip>)}</Group>
        </Table.Td>
      ) : (
        columns.map((column) => <Table.Td key={column.pluginName}><MatchCell series={series} column={column} /></Table.Td>)
      )}
      <Table.Td><LastSyncedCell series={series} /></Table.Td>
      <Table.Td><Text size="sm"><RelativeTime value={series.updatedAt} /></Text></Table.Td>
    </Table.Tr>
  );
}
