import { ActionIcon, Anchor, Badge, Button, Group, Menu, Stack, Table, Text, Tooltip } from "@mantine/core";
import { CountProgress } from "../../components/CountProgress";
import { IconDots } from "@tabler/icons-react";
import { Link } from "react-router";
import type { Library } from "../../api/types";
import { useCan } from "../../app/permissions";
import { RelativeTime } from "../../components/RelativeTime";
import { useLiveTasks } from "../../live/liveStore";
import { selectLibraryScan } from "../../live/taskStore";
import { activeScanOf, middleTruncate, SCAN_STATUS_BADGES, scanPercent } from "./scanProgress";
import { useStartScan } from "./useLibraryCommands";

function LastScanCell({ library }: { library: Library }) {
  const scan = activeScanOf(library, selectLibraryScan(useLiveTasks(), library.id));
  if (scan) {
    const percent = scanPercent(scan);
    return (
      <Stack gap={2}>
        <Text size="sm">{percent === null ? "Scanning" : `Scanning ${percent}%`}</Text>
        <CountProgress size="xs" current={scan.current} total={scan.total} label={`Scan progress for ${library.name}`} />
      </Stack>
    );
  }
  if (!library.lastScanStatus) return <Text size="sm" c="dimmed">Never</Text>;
  const badge = SCAN_STATUS_BADGES[library.lastScanStatus];
  return (
    <Group gap="xs" wrap="nowrap">
      <Badge size="sm" color={badge.color}>{badge.label}</Badge>
      <Text size="sm"><RelativeTime value={library.lastScanAt} /></Text>
    </Group>
  );
}

interface LibraryRowProps {
  library: Library;
  onRename: () => void;
  onDelete: () => void;
}

export function LibraryRow({ library, onRename, onDelete }: LibraryRowProps) {
  const can = useCan();
  const scan = useStartScan();
  return (
    <Table.Tr>
      <Table.Td><Anchor component={Link} to={`/libraries/${library.id}`}>{library.name}</Anchor></Table.Td>
      <Table.Td>
        <Tooltip label={library.rootPath}><Text size="sm" ff="monospace">{middleTruncate(library.rootPath)}</Text></Tooltip>
      </Table.Td>
      <Table.Td>{library.seriesCount}</Table.Td>
      <Table.Td>{library.bookCount}</Table.Td>
      <Table.Td><LastScanCell library={library} /></Table.Td>
      <Table.Td>
        <Anchor component={Link} to={`/libraries/${library.id}/jobs`}>{library.jobCount} {library.jobCount === 1 ? "job" : "jobs"}</Anchor>
      </Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="nowrap" justify="flex-end">
          {can("libraries:write") ? (
            <Button size="xs" variant="light" loading={scan.isPending} onClick={() => scan.start(library.id, library.name, false)}>Scan</Button>
          ) : null}
          <Menu position="bottom-end">
            <Menu.Target><ActionIcon variant="subtle" aria-label={`Actions for ${library.name}`}><IconDots size={16} /></ActionIcon></Menu.Target>
            <Menu.Dropdown>
              {can("libraries:write") ? <Menu.Item onClick={() => scan.start(library.id, library.name, true)}>Full rescan</Menu.Item> : null}
              <Menu.Item component={Link} to={`/libraries/${library.id}/jobs`}>Scheduled jobs</Menu.Item>
              {can("libraries:write") ? <Menu.Item onClick={onRename}>Rename</Menu.Item> : null}
              {can("libraries:manage") ? <Menu.Item color="red" onClick={onDelete}>Delete</Menu.Item> : null}
            </Menu.Dropdown>
          </Menu>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}
