import { Badge, Card, Code, Group, Stack, Text, Tooltip } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import type { FieldGroup, LibraryJob, PluginAction } from "../../api/types";
import { formatDateTime, formatRelative } from "../../components/timeFormat";
import { useLiveTasks } from "../../live/liveStore";
import { selectJobTask } from "../../live/taskStore";
import { activeRunBadge, jobConfigLine, nextRunText, timezoneText } from "./jobRowModel";
import { JobRowActions } from "./JobRowActions";
import { JobRowProgress } from "./JobRowProgress";
import { cronPreviewQuery } from "./queries";
import { lastRunBadge } from "./runHistoryModel";
import { useJobRowCommands } from "./useJobRowCommands";

interface JobRowProps {
  job: LibraryJob;
  providers: PluginAction[] | undefined;
  seriesGroups: FieldGroup[] | undefined;
  bookGroups: FieldGroup[] | undefined;
  onEdit: () => void;
  onPreview: () => void;
  onHistory: () => void;
}

function ScheduleLine({ job }: { job: LibraryJob }) {
  const description = useQuery(cronPreviewQuery(job.cronSchedule, job.timezone, 1)).data?.description;
  return (
    <Text size="sm">
      {description ? `${description} · ` : ""}<Code>{job.cronSchedule}</Code> · {timezoneText(job)}
    </Text>
  );
}

function LastRunLine({ job }: { job: LibraryJob }) {
  if (!job.lastRunStatus || !job.lastRunAt) return <Text size="sm" c="dimmed">Never run</Text>;
  const badge = lastRunBadge(job.lastRunStatus);
  return (
    <Group gap="xs" wrap="nowrap">
      <Text size="sm">Last run:</Text>
      <Badge color={badge.color} size="sm">{badge.label}</Badge>
      <Tooltip label={formatDateTime(job.lastRunAt)}><Text size="sm">{formatRelative(job.lastRunAt)}</Text></Tooltip>
      {job.lastRunMessage ? <Text size="sm" c="dimmed" truncate="end">{job.lastRunMessage}</Text> : null}
    </Group>
  );
}

/** One scheduled job as a card of five lines plus live progress (web-ui §3.6.2). */
export function JobRow({ job, providers, seriesGroups, bookGroups, onEdit, onPreview, onHistory }: JobRowProps) {
  const task = selectJobTask(useLiveTasks(), job.id);
  const badge = activeRunBadge(job, task);
  const activeTaskId = task && task.finishedAtMs === null ? task.taskId : job.activeRun?.taskId;
  const commands = useJobRowCommands(job);
  return (
    <Card withBorder data-testid="job-row" data-id={job.id}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={4} miw={0} style={{ flex: 1 }}>
          <Group gap="xs" wrap="nowrap">
            <Text fw={700} truncate="end" title={job.name}>{job.name}</Text>
            <Badge variant="light">Metadata refresh</Badge>
            {!job.enabled ? <Badge color="gray">Disabled</Badge> : null}
            {badge ? <Badge color="blue">{badge}</Badge> : null}
          </Group>
          <Text size="sm" c="dimmed">{jobConfigLine(job, providers, seriesGroups, bookGroups)}</Text>
          <ScheduleLine job={job} />
          <Text size="sm">{nextRunText(job)}</Text>
          <LastRunLine job={job} />
          {badge && activeTaskId ? <JobRowProgress jobName={job.name} taskId={activeTaskId} task={task} /> : null}
        </Stack>
        <JobRowActions job={job} runActive={badge !== null} runNowPending={commands.runNowPending}
          onToggle={commands.toggle} onRunNow={commands.runNow} onPreview={onPreview} onEdit={onEdit}
          onHistory={onHistory} onDelete={() => commands.confirmDelete(badge !== null)} />
      </Group>
    </Card>
  );
}
