import { Button, Group, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { useCan } from "../../app/permissions";
import { CountProgress } from "../../components/CountProgress";
import { toast } from "../../app/toasts";
import { formatDuration, secondsBetween } from "../../components/timeFormat";
import { useNow } from "../../components/useNow";
import type { LiveTask } from "../../live/taskStore";
import { useCancelTask } from "../tasks/queries";
import { progressText } from "./jobRowModel";

interface JobRowProgressProps {
  jobName: string;
  taskId: string;
  task: LiveTask | undefined;
}

/** Live progress of an active run: bar, counts, latest message, elapsed, Cancel (web-ui §3.6). */
export function JobRowProgress({ jobName, taskId, task }: JobRowProgressProps) {
  const can = useCan();
  const cancel = useCancelTask();
  const [cancelClicked, setCancelClicked] = useState(false);
  const now = useNow();
  const cancelling = cancelClicked || task?.cancelRequested === true;

  const requestCancel = () => {
    setCancelClicked(true);
    cancel.mutate(taskId, {
      onSuccess: (response) => toast.info("Cancel requested", response.task.title),
      onError: (error) => {
        setCancelClicked(false);
        toast.error("Couldn't cancel", error.message);
      },
    });
  };

  return (
    <Stack gap={4} data-testid="job-row-progress">
      <CountProgress current={task?.current ?? null} total={task?.total ?? null} label={`Run progress for ${jobName}`} />
      <Group justify="space-between" wrap="nowrap">
        <Stack gap={0} miw={0}>
          <Text size="sm">{task ? progressText(task) : "Waiting to start…"}</Text>
          {task?.message ? <Text size="xs" c="dimmed" truncate="end">{task.message}</Text> : null}
        </Stack>
        <Group gap="xs" wrap="nowrap">
          {task?.startedAt ? <Text size="xs" c="dimmed">{formatDuration(secondsBetween(task.startedAt, now))}</Text> : null}
          {can("tasks:write") ? (
            <Button size="xs" variant="default" disabled={cancelling} onClick={requestCancel}>
              {cancelling ? "Cancelling…" : "Cancel"}
            </Button>
          ) : null}
        </Group>
      </Group>
    </Stack>
  );
}
