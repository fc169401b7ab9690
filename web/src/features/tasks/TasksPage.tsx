import { Badge, Button, Group, Modal, Select, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useCan } from "../../app/permissions";
import { toast } from "../../app/toasts";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { ListSkeleton } from "../../components/ListSkeleton";
import { usePageTitle } from "../../components/usePageTitle";
import { useLiveStatus, useLiveTasks } from "../../live/liveStore";
import { activeTasksQuery, taskStatsQuery, usePurgeFinishedTasks } from "./queries";
import { RecentTasks } from "./RecentTasks";
import { TaskCard } from "./TaskCard";

const OFFLINE_POLL_MS = 10_000;

function PurgeModal({ onClose }: { onClose: () => void }) {
  const [olderThan, setOlderThan] = useState("0");
  const purge = usePurgeFinishedTasks();
  const run = () =>
    purge.mutate(Number(olderThan), {
      onSuccess: ({ deleted }) => { toast.info("Tasks purged", `Purged ${deleted} tasks`); onClose(); },
      onError: (error) => toast.error("Couldn't purge", error.message),
    });
  return (
    <Modal opened onClose={onClose} title="Purge finished tasks">
      <Stack>
        <Select label="Which tasks" allowDeselect={false} value={olderThan} onChange={(value) => setOlderThan(value ?? "0")}
          data={[{ value: "0", label: "All finished tasks" }, { value: "1", label: "Older than 1 day" }, { value: "7", label: "Older than 7 days" }]} />
        <Group justify="flex-end"><Button variant="default" onClick={onClose}>Cancel</Button><Button color="red" loading={purge.isPending} onClick={run}>Purge</Button></Group>
      </Stack>
    </Modal>
  );
}

/** Running, queued and recent tasks (web-ui §3.11). */
export function TasksPage() {
  usePageTitle("Tasks");
  const can = useCan();
  const live = useLiveStatus() === "live";
  const liveTasks = useLiveTasks();
  const stats = useQuery(taskStatsQuery);
  const active = useQuery({ ...activeTasksQuery, refetchInterval: live ? false : OFFLINE_POLL_MS });
  const [purging, setPurging] = useState(false);
  const counts = stats.data?.counts;
  const visible = (active.data?.items ?? []).filter((task) => liveTasks.get(task.id)?.finishedAtMs == null);
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Tasks</Title>
        {can("tasks:write") ? <Button variant="default" onClick={() => setPurging(true)}>Purge finished…</Button> : null}
      </Group>
      {counts ? (
        <Group gap="xs">
          <Badge color="blue">Running {counts.processing}</Badge><Badge color="blue" variant="light">Queued {counts.pending}</Badge>
          <Badge color="red">Failed {counts.failed}</Badge><Badge color="gray">Cancelled {counts.cancelled}</Badge>
        </Group>
      ) : null}
      {stats.data ? <Text size="sm" c="dimmed">Finished tasks are kept for {stats.data.retentionDays} days.</Text> : null}
      <Title order={4}>Running and queued</Title>
      {active.isPending ? <ListSkeleton rows={2} height={90} /> : active.isError ? (
        <ErrorState thing="running tasks" error={active.error} onRetry={() => void active.refetch()} />
      ) : visible.length === 0 ? <EmptyState title="Nothing is running." /> : (
        <Stack gap="xs">{visible.map((task) => <TaskCard key={task.id} task={task} live={liveTasks.get(task.id)} />)}</Stack>
      )}
      <Title order={4}>Recent</Title>
      <RecentTasks />
      {purging ? <PurgeModal onClose={() => setPurging(false)} /> : null}
    </Stack>
  );
}
