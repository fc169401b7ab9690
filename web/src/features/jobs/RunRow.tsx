import { Badge, Button, Card, Collapse, Group, Stack, Text, Tooltip, UnstyledButton } from "@mantine/core";
import { CountProgress } from "../../components/CountProgress";
import { modals } from "@mantine/modals";
import { IconChevronDown, IconChevronRight } from "@tabler/icons-react";
import { useState } from "react";
import type { JobRun, LibraryJob } from "../../api/types";
import { useCan } from "../../app/permissions";
import { toast } from "../../app/toasts";
import { formatDateTime, formatRelative } from "../../components/timeFormat";
import { liveStore, useLiveTasks } from "../../live/liveStore";
import { outcomeToasts } from "../../live/outcomeToasts";
import { isActive, selectTask } from "../../live/taskStore";
import { useRevertRun } from "./queries";
import { RunDetails } from "./RunDetails";
import {
  revertButtonLabel, revertConfirmText, revertDisabledReason, RUN_STATUS_BADGES, runDuration, runSummaryText, triggerLabel,
} from "./runHistoryModel";

interface RunRowProps {
  run: JobRun;
  job: LibraryJob;
}

function RevertButton({ run, job, revertTaskId, onStarted }: RunRowProps & { revertTaskId: string | null; onStarted: (taskId: string) => void }) {
  const revert = useRevertRun(job.libraryId, job.id);
  const reason = revertDisabledReason(run, job, revertTaskId !== null);
  const confirm = () =>
    modals.openConfirmModal({
      title: "Revert this run?",
      children: <Text size="sm">{revertConfirmText(run)}</Text>,
      labels: { confirm: "Revert", cancel: "Cancel" },
      confirmProps: { color: "red" },
      onConfirm: () => {
        // Registered before the request: a quick revert can finish before its 202 is read.
        outcomeToasts.revertRequested(run.id);
        revert.mutate(run.id, {
          onSuccess: ({ taskId }) => {
            liveStore.applyEvent({ type: "task.queued", taskId, taskType: "revert_job_run", status: "pending", jobId: job.id, runId: run.id });
            onStarted(taskId);
          },
          onError: (error) => {
            outcomeToasts.revertRefused(run.id);
            toast.error("Revert failed", error.message);
          },
        });
      },
    });
  const button = (
    <Button size="xs" variant="light" color="red" disabled={reason !== null} loading={revert.isPending} onClick={confirm}>
      {revertButtonLabel(run)}
    </Button>
  );
  return reason ? <Tooltip label={reason}><span>{button}</span></Tooltip> : button;
}

/** One run in the history drawer; expands into its details (web-ui §3.9.2). */
export function RunRow({ run, job }: RunRowProps) {
  const canWrite = useCan()("libraries:write");
  const [opened, setOpened] = useState(false);
  const [revertTaskId, setRevertTaskId] = useState<string | null>(null);
  const tasks = useLiveTasks();
  const revertTask = selectTask(tasks, revertTaskId);
  const reverting = revertTask !== undefined && isActive(revertTask);
  const status = RUN_STATUS_BADGES[run.status];
  return (
    <Card withBorder p="sm" data-testid="run-row" data-id={run.id}>
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <UnstyledButton onClick={() => setOpened((open) => !open)} aria-expanded={opened} style={{ flex: 1 }}>
          <Group gap="xs" wrap="wrap">
            {opened ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
            <Tooltip label={formatRelative(run.createdAt)}><Text size="sm">{formatDateTime(run.startedAt ?? run.createdAt)}</Text></Tooltip>
            <Badge variant="outline" size="sm">{triggerLabel(run.trigger)}</Badge>
            <Text size="sm" c="dimmed">{runDuration(run)}</Text>
            <Badge color={status.color} size="sm">{status.label}</Badge>
            {run.revertedAt ? <Badge color="grape" size="sm">Reverted {formatDateTime(run.revertedAt)}</Badge> : null}
            <Text size="sm">{runSummaryText(run.summary)}</Text>
          </Group>
        </UnstyledButton>
        {canWrite ? (
          reverting ? <Text size="sm">Reverting…</Text> : <RevertButton run={run} job={job} revertTaskId={reverting ? revertTaskId : null} onStarted={setRevertTaskId} />
        ) : null}
      </Group>
      {reverting && revertTask?.total ? (
        <CountProgress current={revertTask.current} total={revertTask.total} label={`Revert progress for ${job.name}`} />
      ) : null}
      <Collapse expanded={opened}>
        <Stack mt="sm">{opened ? <RunDetails libraryId={job.libraryId} jobId={job.id} runId={run.id} /> : null}</Stack>
      </Collapse>
    </Card>
  );
}
