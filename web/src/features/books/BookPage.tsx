import { Anchor, Badge, Breadcrumbs, Group, Stack, Tabs, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { useCan } from "../../app/permissions";
import { ErrorState } from "../../components/ErrorState";
import { ListSkeleton } from "../../components/ListSkeleton";
import { usePageTitle } from "../../components/usePageTitle";
import { EntityActions } from "../metadata/EntityActions";
import { EntityCover } from "../metadata/EntityCover";
import { FetchMetadataModal } from "../metadata/FetchMetadataModal";
import { HistoryTab } from "../metadata/HistoryTab";
import { MetadataTab } from "../metadata/MetadataTab";
import { libraryQuery } from "../libraries/queries";
import { metadataQuery } from "../metadata/queries";
import { bookRowQuery } from "./queries";

/** One book: header, metadata with locks and edits, history (web-ui §3.5). */
export function BookPage() {
  const { bookId = "" } = useParams();
  const canWrite = useCan()("books:write");
  const book = useQuery(bookRowQuery(bookId));
  const metadata = useQuery(metadataQuery("book", bookId));
  // Book rows carry no library name; the library query is usually cached from the navbar.
  const library = useQuery({ ...libraryQuery(book.data?.libraryId ?? ""), enabled: Boolean(book.data) });
  const [fetchOpen, setFetchOpen] = useState(false);
  const title = (metadata.data?.title as string | undefined) ?? book.data?.fileName;
  usePageTitle(title);

  if (book.isPending) return <ListSkeleton rows={6} />;
  if (book.isError) return <ErrorState thing="the book" error={book.error} onRetry={() => void book.refetch()} notFound={{ entity: "book", backTo: "/libraries", backLabel: "Back to Libraries" }} />;
  const meta = metadata.data;
  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to="/libraries">Libraries</Anchor>
        <Anchor component={Link} to={`/libraries/${book.data.libraryId}`}>{library.data?.name ?? "Library"}</Anchor>
        <Anchor component={Link} to={`/series/${book.data.seriesId}`}>{book.data.seriesTitle}</Anchor>
        <Text>{title}</Text>
      </Breadcrumbs>
      <Group align="flex-start" wrap="nowrap">
        <EntityCover entity="book" entityId={bookId} version={meta?.updatedAt} />
        <Stack gap={4} style={{ flex: 1 }}>
          <Group gap="xs"><Title order={2}>{title}</Title>{book.data.deleted ? <Badge color="red">Deleted</Badge> : null}</Group>
          <Anchor component={Link} to={`/series/${book.data.seriesId}`}>{book.data.seriesTitle}</Anchor>
          <Text size="sm">{[meta?.number ? `#${String(meta.number)}` : null, meta?.volume ? `Vol. ${String(meta.volume)}` : null, book.data.format].filter(Boolean).join(" · ")}</Text>
          <Text size="sm" ff="monospace" c="dimmed">{book.data.path}</Text>
          <Text size="sm" c="dimmed">{(book.data.fileSize / 1024 / 1024).toFixed(1)} MB · {book.data.pageCount ?? "?"} pages</Text>
          {canWrite ? <EntityActions entity="book" entityId={bookId} libraryId={book.data.libraryId} onFetch={() => setFetchOpen(true)} /> : null}
        </Stack>
      </Group>
      <Tabs defaultValue="metadata" keepMounted={false}>
        <Tabs.List><Tabs.Tab value="metadata">Metadata</Tabs.Tab><Tabs.Tab value="history">History</Tabs.Tab></Tabs.List>
        <Tabs.Panel value="metadata" pt="md"><MetadataTab entity="book" entityId={bookId} libraryId={book.data.libraryId} canWrite={canWrite} /></Tabs.Panel>
        <Tabs.Panel value="history" pt="md"><HistoryTab entity="book" entityId={bookId} libraryId={book.data.libraryId} /></Tabs.Panel>
      </Tabs>
      {fetchOpen ? (
        <FetchMetadataModal entity="book" entityId={bookId} libraryId={book.data.libraryId} title={title ?? ""}
          externalIds={meta?.externalIds ?? []} onClose={() => setFetchOpen(false)} />
      ) : null}
    </Stack>
  );
}
