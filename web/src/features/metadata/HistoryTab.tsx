import { Anchor, Button, Stack, Table, Text, VisuallyHidden } from "@mantine/core";
import { useInfiniteQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import type { EntityType } from "../../api/types";
import { ChangeValues } from "../../components/ChangeValue";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { ListSkeleton } from "../../components/ListSkeleton";
import { RelativeTime } from "../../components/RelativeTime";
import { changeSourceLabel } from "./changeSource";
import { fieldLabel } from "./fieldCatalog";
import { detailKey, fetchChanges } from "./queries";

/** The entity's metadata changes, newest first (web-ui §3.4.5). */
export function HistoryTab({ entity, entityId, libraryId }: { entity: EntityType; entityId: string; libraryId: string }) {
  const changes = useInfiniteQuery({
    queryKey: [...detailKey(entity, entityId), "changes"],
    queryFn: ({ pageParam }) => fetchChanges(entity, entityId, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
  if (changes.isPending) return <ListSkeleton rows={5} height={32} />;
  if (changes.isError) return <ErrorState thing="history" error={changes.error} onRetry={() => void changes.refetch()} />;
  const items = changes.data.pages.flatMap((page) => page.items);
  if (items.length === 0) return <EmptyState title="No changes yet." />;
  return (
    <Stack gap="xs">
      <Table>
        <Table.Caption><VisuallyHidden>Metadata changes</VisuallyHidden></Table.Caption>
        <Table.Thead><Table.Tr><Table.Th>Time</Table.Th><Table.Th>Source</Table.Th><Table.Th>Field</Table.Th><Table.Th>Change</Table.Th></Table.Tr></Table.Thead>
        <Table.Tbody>
          {items.map((change) => (
            <Table.Tr key={String(change.id)}>
              <Table.Td><RelativeTime value={change.createdAt} /></Table.Td>
              <Table.Td>
                {change.jobId ? <Anchor component={Link} to={`/libraries/${libraryId}/jobs`}>{changeSourceLabel(change)}</Anchor> : <Text size="sm">{changeSourceLabel(change)}</Text>}
              </Table.Td>
              <Table.Td>{fieldLabel(change.field)}</Table.Td>
              <Table.Td><ChangeValues before={change.before} after={change.after} field={change.field} /></Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {changes.hasNextPage ? <Button variant="default" size="xs" w="fit-content" loading={changes.isFetchingNextPage} onClick={() => void changes.fetchNextPage()}>Load more</Button> : null}
    </Stack>
  );
}
