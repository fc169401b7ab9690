import { Anchor, Button, Group, Stack, Text } from "@mantine/core";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useParams, useSearchParams } from "react-router";
import type { Library } from "../../api/types";
import { useCan } from "../../app/permissions";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { ListSkeleton } from "../../components/ListSkeleton";
import { usePageTitle } from "../../components/usePageTitle";
import { useLiveStatus } from "../../live/liveStore";
import { providersQuery } from "../jobs/queries";
import { AutoMatchModal } from "./AutoMatchModal";
import { LibraryHeader } from "./LibraryHeader";
import { DeleteLibraryModal, RenameLibraryModal } from "./LibraryDialogs";
import { fetchSeriesPage, libraryQuery, seriesListQueryKey } from "./queries";
import { ScanBanner } from "./ScanBanner";
import { filtersFromSearchParams, hasActiveFilters, searchParamsFromFilters, type SeriesFilters, type SeriesSort } from "./seriesFilters";
import { SeriesFilterBar } from "./SeriesFilterBar";
import { SeriesTable } from "./SeriesTable";
import { providerColumns } from "./seriesTableModel";
import { useStartScan } from "./useLibraryCommands";

const OFFLINE_POLL_MS = 10_000;

function SeriesSection({ library, filters, setFilters }: { library: Library; filters: SeriesFilters; setFilters: (filters: SeriesFilters) => void }) {
  const can = useCan();
  const scan = useStartScan();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [autoMatchOpen, setAutoMatchOpen] = useState(false);
  const providers = useQuery(providersQuery("series:bulk", library.id)).data?.actions ?? [];
  const series = useInfiniteQuery({
    queryKey: seriesListQueryKey(library.id, filters),
    queryFn: ({ pageParam }) => fetchSeriesPage(library.id, filters, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
  const sortBy = (sort: SeriesSort) =>
    setFilters({ ...filters, sort, order: filters.sort === sort && filters.order === "asc" ? "desc" : "asc" });
  const clear = () => setFilters({ ...filters, search: "", status: [], provider: null, match: "any", includeDeleted: false });

  if (series.isPending) return <ListSkeleton rows={8} height={52} />;
  if (series.isError && !series.data) return <ErrorState thing="series" error={series.error} onRetry={() => void series.refetch()} />;
  const rows = series.data.pages.flatMap((page) => page.items);
  const total = series.data.pages[0]?.total ?? rows.length;
  if (rows.length === 0) {
    return hasActiveFilters(filters) ? (
      <EmptyState title="No series match these filters." action={<Anchor component="button" onClick={clear}>Clear filters</Anchor>} />
    ) : (
      <EmptyState title={`No series yet. Folders directly inside ${library.rootPath} become series; run a scan after adding files.`}
        action={can("libraries:write") ? <Button onClick={() => scan.start(library.id, library.name, false)}>Scan</Button> : null} />
    );
  }
  return (
    <Stack gap="xs">
      {selected.size > 0 ? (
        <Group>
          <Text size="sm">{selected.size} selected</Text>
          <Button size="xs" onClick={() => setAutoMatchOpen(true)}>Auto-match…</Button>
        </Group>
      ) : null}
      <SeriesTable rows={rows} total={total} columns={providerColumns(providers, rows)} filters={filters} onSort={sortBy}
        selectable={can("series:write")} selected={selected} onSelectionChange={setSelected}
        hasMore={series.hasNextPage} loadingMore={series.isFetchingNextPage} onLoadMore={() => void series.fetchNextPage()} />
      {autoMatchOpen ? (
        <AutoMatchModal libraryId={library.id} seriesIds={[...selected]} providers={providers} onClose={() => setAutoMatchOpen(false)} />
      ) : null}
    </Stack>
  );
}

/** One library: header, live scan banner, filters and the series table (web-ui §3.3). */
export function LibraryPage() {
  const { libraryId = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const filters = filtersFromSearchParams(params);
  const live = useLiveStatus() === "live";
  const library = useQuery({
    ...libraryQuery(libraryId),
    refetchInterval: (query) => (!live && query.state.data?.activeScan ? OFFLINE_POLL_MS : false),
  });
  const [dialog, setDialog] = useState<"rename" | "delete" | null>(null);
  const providers = useQuery(providersQuery("series:bulk", libraryId)).data?.actions ?? [];
  usePageTitle(library.data?.name);

  if (library.isPending) return <ListSkeleton rows={6} />;
  if (library.isError && !library.data) {
    return <ErrorState thing="the library" error={library.error} onRetry={() => void library.refetch()}
      notFound={{ entity: "library", backTo: "/libraries", backLabel: "Back to Libraries" }} />;
  }
  const setFilters = (next: SeriesFilters) => setParams(searchParamsFromFilters(next), { replace: true });
  return (
    <Stack>
      <LibraryHeader library={library.data} onRename={() => setDialog("rename")} onDelete={() => setDialog("delete")} />
      <ScanBanner library={library.data} />
      <SeriesFilterBar filters={filters} providers={providers} onChange={setFilters} />
      <SeriesSection library={library.data} filters={filters} setFilters={setFilters} />
      {dialog === "rename" ? <RenameLibraryModal library={library.data} onClose={() => setDialog(null)} /> : null}
      {dialog === "delete" ? <DeleteLibraryModal library={library.data} onClose={() => setDialog(null)} /> : null}
    </Stack>
  );
}
