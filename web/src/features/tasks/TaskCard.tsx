import { Badge, Button, Card, Group, Stack, Text } from "@mantine/core";
import { CountProgress } from "../../components/CountProgress";
import type { Task } from "../../api/types";
import { useCan } from "../../app/permissions";
import { toast } from "../../app/toasts";
import { formatDuration, secondsBetween } from "../../components/timeFormat";
import { useNow } from "../../components/useNow";
import type { LiveTask } from "../../live/taskStore";
import { useCancelTask } from "./queries";
import { liveStateLabel, taskTypeLabel } from "./taskLabels";

/** A running or queued task with live progress (web-ui §3.11.2). */
export function TaskCard({ task, live }: { task: Task; live: LiveTask | undefined }) {
  const can = useCan();
  const cancel = useCancelTask();
  const now = useNow();
  const state = live ?? { status: task.status, cancelRequested: task.cancelRequested, retryAt: null };
  const current = live?.current ?? task.progress?.current ?? null;
  const total = live?.total ?? task.progress?.total ?? null;
  const message = live?.message ?? task.progress?.message ?? null;
  const startedAt = live?.startedAt ?? task.startedAt;
  return (
    <Card withBorder data-testid="task-card" data-id={task.id}>
      <Stack gap={4}>
        <Group justify="space-between">
          <Group gap="xs"><Text fw={600}>{task.title}</Text><Badge variant="light">{taskTypeLabel(task.taskType)}</Badge><Badge color="blue">{liveStateLabel(state)}</Badge></Group>
          {can("tasks:write") ? (
            <Button size="xs" variant="default" disabled={state.cancelRequested || cancel.isPending}
              onClick={() => cancel.mutate(task.id, { onSuccess: () => toast.info("Cancel requested", task.title), onError: (error) => toast.error("Couldn't cancel", error.message) })}>
              Cancel
            </Button>
          ) : null}
        </Group>
        {total ? (
          <>
            <CountProgress current={current ?? 0} total={total} label={`Progress of ${task.title}`} />
            <Text size="sm">{current ?? 0} / {total}</Text>
          </>
        ) : null}
        {message ? <Text size="xs" c="dimmed" truncate="end">{message}</Text> : null}
        <Text size="xs" c="dimmed">
          {startedAt ? `${formatDuration(secondsBetween(startedAt, now))} · ` : ""}Attempt {task.attempts} of {task.maxAttempts}
        </Text>
      </Stack>
    </Card>
  );
}
