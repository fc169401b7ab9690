import { Badge, Button, Code, Drawer, Group, Select, Stack, Table, Text, Tooltip, VisuallyHidden } from "@mantine/core";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { Task } from "../../api/types";
import { useCan } from "../../app/permissions";
import { toast } from "../../app/toasts";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { ListSkeleton } from "../../components/ListSkeleton";
import { formatDateTime, formatDuration, secondsBetween } from "../../components/timeFormat";
import { librariesQuery } from "../libraries/queries";
import { fetchRecentTasks, useRetryTask, type TaskFilters } from "./queries";
import { canRetry, TASK_STATUS_BADGES, TASK_TYPE_LABELS, taskTypeLabel } from "./taskLabels";

function TaskDetails({ task, onClose }: { task: Task; onClose: () => void }) {
  return (
    <Drawer opened onClose={onClose} position="right" size="lg" title={task.title}>
      <Stack gap="xs">
        <Text size="sm">Created {formatDateTime(task.createdAt)}{task.completedAt ? ` · finished ${formatDateTime(task.completedAt)}` : ""}</Text>
        {task.lastError ? <Text size="sm" c="red">{task.lastError}</Text> : null}
        <Text fw={500}>Parameters</Text><Code block>{JSON.stringify(task.params, null, 2)}</Code>
        <Text fw={500}>Progress</Text><Code block>{JSON.stringify(task.progress, null, 2)}</Code>
        <Text fw={500}>Result</Text><Code block>{JSON.stringify(task.result, null, 2)}</Code>
      </Stack>
    </Drawer>
  );
}

function TaskRow({ task, onDetails }: { task: Task; onDetails: () => void }) {
  const can = useCan();
  const retry = useRetryTask();
  const status = TASK_STATUS_BADGES[task.status];
  return (
    <Table.Tr>
      <Table.Td><Text size="sm">{task.title}</Text><Text size="xs" c="dimmed">{taskTypeLabel(task.taskType)}</Text></Table.Td>
      <Table.Td><Badge color={status.color}>{status.label}</Badge></Table.Td>
      <Table.Td>{task.attempts} / {task.maxAttempts}</Table.Td>
      <Table.Td>{formatDateTime(task.createdAt)}</Table.Td>
      <Table.Td>{task.completedAt ? formatDateTime(task.completedAt) : "—"}</Table.Td>
      <Table.Td>{task.startedAt && task.completedAt ? formatDuration(secondsBetween(task.startedAt, task.completedAt)) : "—"}</Table.Td>
      <Table.Td maw={240}>{task.lastError ? <Tooltip label={task.lastError} multiline w={360}><Text size="sm" truncate="end">{task.lastError}</Text></Tooltip> : null}</Table.Td>
      <Table.Td>
        <Group gap={4} wrap="nowrap">
          {can("tasks:write") && canRetry(task) ? (
            <Button size="compact-xs" variant="light" loading={retry.isPending}
              onClick={() => retry.mutate(task.id, { onSuccess: () => toast.info("Task queued again", task.title), onError: (error) => toast.error("Couldn't retry", error.message) })}>Retry</Button>
          ) : null}
          <Button size="compact-xs" variant="subtle" onClick={onDetails}>Details</Button>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

/** Finished tasks with filters, retry and details (web-ui §3.11.3). */
export function RecentTasks() {
  const [filters, setFilters] = useState<TaskFilters>({ status: "all", type: null, libraryId: null });
  const [details, setDetails] = useState<Task | null>(null);
  const libraries = useQuery(librariesQuery).data?.items ?? [];
  const tasks = useInfiniteQuery({
    queryKey: ["tasks", filters],
    queryFn: ({ pageParam }) => fetchRecentTasks(filters, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
  const items = tasks.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Stack gap="xs">
      <Group>
        <Select label="Status" w={160} allowDeselect={false} value={filters.status} onChange={(value) => setFilters({ ...filters, status: (value ?? "all") as TaskFilters["status"] })}
          data={[{ value: "all", label: "All" }, { value: "completed", label: "Completed" }, { value: "failed", label: "Failed" }, { value: "cancelled", label: "Cancelled" }]} />
        <Select label="Type" w={180} clearable placeholder="All" value={filters.type} onChange={(type) => setFilters({ ...filters, type })}
          data={Object.entries(TASK_TYPE_LABELS).map(([value, label]) => ({ value, label }))} />
        <Select label="Library" w={180} clearable placeholder="All" value={filters.libraryId} onChange={(libraryId) => setFilters({ ...filters, libraryId })}
          data={libraries.map((library) => ({ value: library.id, label: library.name }))} />
      </Group>
      {tasks.isPending ? <ListSkeleton rows={5} height={36} /> : tasks.isError ? (
        <ErrorState thing="tasks" error={tasks.error} onRetry={() => void tasks.refetch()} />
      ) : items.length === 0 ? <EmptyState title="No finished tasks." /> : (
        <Table.ScrollContainer minWidth={900}>
          <Table>
            <Table.Caption><VisuallyHidden>Recent tasks</VisuallyHidden></Table.Caption>
            <Table.Thead><Table.Tr><Table.Th>Task</Table.Th><Table.Th>Status</Table.Th><Table.Th>Attempts</Table.Th><Table.Th>Created</Table.Th><Table.Th>Finished</Table.Th><Table.Th>Duration</Table.Th><Table.Th>Error</Table.Th><Table.Th><VisuallyHidden>Actions</VisuallyHidden></Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>{items.map((task) => <TaskRow key={task.id} task={task} onDetails={() => setDetails(task)} />)}</Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {tasks.hasNextPage ? <Button variant="default" size="xs" w="fit-content" loading={tasks.isFetchingNextPage} onClick={() => void tasks.fetchNextPage()}>Load more</Button> : null}
      {details ? <TaskDetails task={details} onClose={() => setDetails(null)} /> : null}
    </Stack>
  );
}
