import { ActionIcon, Button, Group, Menu, Switch, Tooltip } from "@mantine/core";
import { IconDots, IconPlayerPlay } from "@tabler/icons-react";
import type { LibraryJob } from "../../api/types";
import { useCan } from "../../app/permissions";

interface JobRowActionsProps {
  job: LibraryJob;
  runActive: boolean;
  runNowPending: boolean;
  onToggle: (enabled: boolean) => void;
  onRunNow: () => void;
  onPreview: () => void;
  onEdit: () => void;
  onHistory: () => void;
  onDelete: () => void;
}

/** The right side of a job row; write actions hidden without libraries:write (web-ui §4.4). */
export function JobRowActions(props: JobRowActionsProps) {
  const { job } = props;
  const canWrite = useCan()("libraries:write");
  const switchControl = (
    <Switch checked={job.enabled} disabled={!canWrite} aria-label={`Enable job ${job.name}`}
      onChange={(event) => props.onToggle(event.currentTarget.checked)} />
  );
  return (
    <Group gap="xs" wrap="nowrap">
      <Tooltip label={canWrite ? (job.enabled ? "Disable schedule" : "Enable schedule") : "Requires libraries:write"}>
        <span>{switchControl}</span>
      </Tooltip>
      {canWrite ? (
        <>
          <Button size="xs" variant="light" leftSection={<IconPlayerPlay size={14} />} loading={props.runNowPending} onClick={props.onRunNow}>
            Run now
          </Button>
          <Button size="xs" variant="default" onClick={props.onPreview}>Preview</Button>
        </>
      ) : null}
      <Menu position="bottom-end">
        <Menu.Target>
          <ActionIcon variant="subtle" aria-label="Job actions"><IconDots size={16} /></ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          {canWrite ? <Menu.Item onClick={props.onEdit}>Edit</Menu.Item> : null}
          <Menu.Item onClick={props.onHistory}>History</Menu.Item>
          {canWrite ? (
            props.runActive ? (
              <Tooltip label="Cancel the current run first">
                <div><Menu.Item color="red" disabled>Delete</Menu.Item></div>
              </Tooltip>
            ) : (
              <Menu.Item color="red" onClick={props.onDelete}>Delete</Menu.Item>
            )
          ) : null}
        </Menu.Dropdown>
      </Menu>
    </Group>
  );
}
