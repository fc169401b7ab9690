import { Button, Drawer, Stack, Text } from "@mantine/core";
import { useInfiniteQuery } from "@tanstack/react-query";
import type { LibraryJob } from "../../api/types";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { ListSkeleton } from "../../components/ListSkeleton";
import { useLiveTasks } from "../../live/liveStore";
import { selectJobTask } from "../../live/taskStore";
import { JobRowProgress } from "./JobRowProgress";
import { fetchJobRuns, jobRunsQueryKey } from "./queries";
import { RunRow } from "./RunRow";

/** Runs of one job, newest first, 20 per page, with revert (web-ui §3.9). */
export function RunHistoryDrawer({ job, onClose }: { job: LibraryJob; onClose: () => void }) {
  const runs = useInfiniteQuery({
    queryKey: jobRunsQueryKey(job.id),
    queryFn: ({ pageParam }) => fetchJobRuns(job.libraryId, job.id, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
  const liveTask = selectJobTask(useLiveTasks(), job.id);
  const activeTaskId = liveTask && liveTask.finishedAtMs === null ? liveTask.taskId : job.activeRun?.taskId;
  const items = runs.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Drawer opened onClose={onClose} position="right" size="min(760px, calc(100vw - 48px))" title={`Run history — ${job.name}`}>
      <Stack gap="sm">
        {activeTaskId ? <JobRowProgress jobName={job.name} taskId={activeTaskId} task={liveTask} /> : null}
        {runs.isPending ? (
          <ListSkeleton rows={5} />
        ) : runs.isError ? (
          <ErrorState thing="run history" error={runs.error} onRetry={() => void runs.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState title="No runs yet." description="Runs appear here after the schedule fires or you click Run now." />
        ) : (
          <>
            {items.map((run) => <RunRow key={run.id} run={run} job={job} />)}
            {runs.hasNextPage ? (
              <Button variant="default" onClick={() => void runs.fetchNextPage()} loading={runs.isFetchingNextPage}>Load more</Button>
            ) : (
              <Text size="xs" c="dimmed">{items.length} runs</Text>
            )}
          </>
        )}
      </Stack>
    </Drawer>
  );
}
