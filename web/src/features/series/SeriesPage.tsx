import { Anchor, Badge, Breadcrumbs, Group, Stack, Tabs, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams } from "react-router";
import type { EntityMetadata, SeriesRow } from "../../api/types";
import { useCan } from "../../app/permissions";
import { ErrorState } from "../../components/ErrorState";
import { ListSkeleton } from "../../components/ListSkeleton";
import { usePageTitle } from "../../components/usePageTitle";
import { EntityActions } from "../metadata/EntityActions";
import { EntityCover } from "../metadata/EntityCover";
import { FetchMetadataModal } from "../metadata/FetchMetadataModal";
import { HistoryTab } from "../metadata/HistoryTab";
import { MetadataTab } from "../metadata/MetadataTab";
import { providerDisplayName } from "../jobs/jobRowModel";
import { providersQuery } from "../jobs/queries";
import { metadataQuery } from "../metadata/queries";
import { seriesRowQuery } from "./queries";
import { SeriesBooksTab } from "./SeriesBooksTab";

function SeriesHeader({ series, metadata }: { series: SeriesRow; metadata: EntityMetadata | undefined }) {
  const title = (metadata?.title as string | undefined) ?? series.name;
  const linked = (metadata?.externalIds ?? []).filter((row) => row.source.startsWith("plugin:"));
  // Chips name the provider as the user knows it; the plugin name when providers can't be listed.
  const providers = useQuery(providersQuery("series:detail", series.libraryId)).data?.actions;
  return (
    <Stack gap={4}>
      <Group gap="xs">
        <Title order={2}>{title}</Title>
        {metadata?.status ? <Badge variant="light">{String(metadata.status)}</Badge> : null}
        {series.deleted ? <Badge color="red">Deleted</Badge> : null}
      </Group>
      <Text size="sm" c="dimmed">{[metadata?.year, metadata?.publisher].filter(Boolean).join(" · ")}</Text>
      <Group gap={4}>{linked.map((row) => <Badge key={row.source} variant="outline" tt="none">Linked to {providerDisplayName(row.source, providers)}</Badge>)}</Group>
    </Stack>
  );
}

/** One series: header, metadata with locks and edits, books and history (web-ui §3.4). */
export function SeriesPage() {
  const { seriesId = "" } = useParams();
  const canWrite = useCan()("series:write");
  const series = useQuery(seriesRowQuery(seriesId));
  const metadata = useQuery(metadataQuery("series", seriesId));
  const [fetchOpen, setFetchOpen] = useState(false);
  usePageTitle((metadata.data?.title as string | undefined) ?? series.data?.name);

  if (series.isPending) return <ListSkeleton rows={6} />;
  if (series.isError) return <ErrorState thing="the series" error={series.error} onRetry={() => void series.refetch()} notFound={{ entity: "series", backTo: "/libraries", backLabel: "Back to Libraries" }} />;
  const title = (metadata.data?.title as string | undefined) ?? series.data.name;
  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to="/libraries">Libraries</Anchor>
        <Anchor component={Link} to={`/libraries/${series.data.libraryId}`}>{series.data.libraryName}</Anchor>
        <Text>{title}</Text>
      </Breadcrumbs>
      <Group align="flex-start" wrap="nowrap">
        <EntityCover entity="series" entityId={seriesId} version={metadata.data?.updatedAt} />
        <Stack style={{ flex: 1 }}>
          <SeriesHeader series={series.data} metadata={metadata.data} />
          {canWrite ? <EntityActions entity="series" entityId={seriesId} libraryId={series.data.libraryId} onFetch={() => setFetchOpen(true)} /> : null}
        </Stack>
      </Group>
      <Tabs defaultValue="metadata" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="metadata">Metadata</Tabs.Tab>
          <Tabs.Tab value="books">Books ({series.data.bookCount})</Tabs.Tab>
          <Tabs.Tab value="history">History</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="metadata" pt="md"><MetadataTab entity="series" entityId={seriesId} libraryId={series.data.libraryId} canWrite={canWrite} /></Tabs.Panel>
        <Tabs.Panel value="books" pt="md"><SeriesBooksTab seriesId={seriesId} /></Tabs.Panel>
        <Tabs.Panel value="history" pt="md"><HistoryTab entity="series" entityId={seriesId} libraryId={series.data.libraryId} /></Tabs.Panel>
      </Tabs>
      {fetchOpen ? (
        <FetchMetadataModal entity="series" entityId={seriesId} libraryId={series.data.libraryId} title={title}
          externalIds={metadata.data?.externalIds ?? []} onClose={() => setFetchOpen(false)} />
      ) : null}
    </Stack>
  );
}
