import { Anchor, Badge, Table, VisuallyHidden } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { ListSkeleton } from "../../components/ListSkeleton";
import { seriesBooksQuery } from "./queries";

function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Books of a series: number, title, format, pages, size and a "Deleted" badge (web-ui §3.4.5). */
export function SeriesBooksTab({ seriesId }: { seriesId: string }) {
  const books = useQuery(seriesBooksQuery(seriesId));
  if (books.isPending) return <ListSkeleton rows={4} height={32} />;
  if (books.isError) return <ErrorState thing="books" error={books.error} onRetry={() => void books.refetch()} />;
  if (books.data.items.length === 0) return <EmptyState title="No books in this series." />;
  return (
    <Table.ScrollContainer minWidth={600}>
      <Table>
        <Table.Caption><VisuallyHidden>Books</VisuallyHidden></Table.Caption>
        <Table.Thead><Table.Tr><Table.Th>Number</Table.Th><Table.Th>Title</Table.Th><Table.Th>Format</Table.Th><Table.Th>Pages</Table.Th><Table.Th>Size</Table.Th></Table.Tr></Table.Thead>
        <Table.Tbody>
          {books.data.items.map((book) => (
            <Table.Tr key={book.id}>
              <Table.Td>{book.number ?? "—"}</Table.Td>
              <Table.Td>
                <Anchor component={Link} to={`/books/${book.id}`}>{book.title ?? book.fileName}</Anchor>
                {book.deleted ? <Badge color="red" size="xs" ml="xs">Deleted</Badge> : null}
              </Table.Td>
              <Table.Td>{book.format}</Table.Td>
              <Table.Td>{book.pageCount ?? "—"}</Table.Td>
              <Table.Td>{formatSize(book.fileSize)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
