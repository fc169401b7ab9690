import { Button, Group, SimpleGrid, Stack, Text } from "@mantine/core";
import { useInfiniteQuery } from "@tanstack/react-query";
import type { JobRunDetail, RunChange } from "../../api/types";
import { ChangeValues } from "../../components/ChangeValue";
import { ErrorState } from "../../components/ErrorState";
import { ListSkeleton } from "../../components/ListSkeleton";
import { fieldLabel } from "../metadata/fieldCatalog";
import { fetchRunDetail } from "./queries";
import { revertSkipLabel, runCounts } from "./runHistoryModel";

function groupByEntity(changes: RunChange[]): [string, RunChange[]][] {
  const groups = new Map<string, RunChange[]>();
  for (const change of changes) {
    const name = change.entityName ?? "(deleted item)";
    groups.set(name, [...(groups.get(name) ?? []), change]);
  }
  return [...groups];
}

function RunDetailBody({ detail, changes }: { detail: JobRunDetail; changes: RunChange[] }) {
  return (
    <Stack gap="xs">
      {detail.message ? <Text size="sm">{detail.message}</Text> : null}
      {detail.summary ? (
        <SimpleGrid cols={{ base: 2, sm: 5 }} spacing={4}>
          {runCounts(detail.summary).map(([label, value]) => (
            <Stack key={label} gap={0}><Text size="xs" c="dimmed">{label}</Text><Text size="sm">{value}</Text></Stack>
          ))}
        </SimpleGrid>
      ) : null}
      {detail.summary?.errors.length ? (
        <Stack gap={0}>
          <Text size="sm" fw={500}>Errors</Text>
          {detail.summary.errors.slice(0, 10).map((error) => (
            <Text key={`${error.entityId}-${error.message}`} size="sm" c="red">{error.name}: {error.message}</Text>
          ))}
        </Stack>
      ) : null}
      {detail.revertSummary?.skippedItems.length ? (
        <Stack gap={0}>
          <Text size="sm" fw={500}>Not reverted</Text>
          {detail.revertSummary.skippedItems.map((item) => (
            <Text key={`${item.entityId}-${item.field}`} size="sm">{item.field} — {revertSkipLabel(item)}</Text>
          ))}
        </Stack>
      ) : null}
      {groupByEntity(changes).map(([name, entityChanges]) => (
        <Stack key={name} gap={2}>
          <Text size="sm" fw={600}>{name}</Text>
          {entityChanges.map((change) => (
            <Group key={String(change.id)} gap="xs" wrap="nowrap" align="flex-start">
              <Text size="sm" miw={120}>{fieldLabel(change.field)}:</Text>
              <ChangeValues before={change.before} after={change.after} field={change.field} />
            </Group>
          ))}
        </Stack>
      ))}
    </Stack>
  );
}

/** The expanded part of a run row: message, counts, errors and changes, 50 per page (web-ui §3.9.3). */
export function RunDetails({ libraryId, jobId, runId }: { libraryId: string; jobId: string; runId: string }) {
  const detail = useInfiniteQuery({
    queryKey: ["run", runId],
    queryFn: ({ pageParam }) => fetchRunDetail(libraryId, jobId, runId, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.changes.nextCursor,
  });
  if (detail.isPending) return <ListSkeleton rows={2} height={24} />;
  if (detail.isError) return <ErrorState thing="this run" error={detail.error} onRetry={() => void detail.refetch()} />;
  const first = detail.data.pages[0];
  if (!first) return null;
  const changes = detail.data.pages.flatMap((page) => page.changes.items);
  return (
    <Stack gap="xs">
      <RunDetailBody detail={first} changes={changes} />
      {detail.hasNextPage ? (
        <Button size="xs" variant="default" w="fit-content" loading={detail.isFetchingNextPage} onClick={() => void detail.fetchNextPage()}>
          Load more
        </Button>
      ) : null}
    </Stack>
  );
}
