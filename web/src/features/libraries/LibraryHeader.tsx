import { ActionIcon, Anchor, Breadcrumbs, Button, Group, Menu, Stack, Text, Title } from "@mantine/core";
import { IconChevronDown, IconDots } from "@tabler/icons-react";
import { Link } from "react-router";
import type { Library } from "../../api/types";
import { useCan } from "../../app/permissions";
import { RelativeTime } from "../../components/RelativeTime";
import { SCAN_STATUS_BADGES } from "./scanProgress";
import { useStartScan } from "./useLibraryCommands";

interface LibraryHeaderProps {
  library: Library;
  onRename: () => void;
  onDelete: () => void;
}

/** Name, path, counts, last scan and the library's actions (web-ui §3.3.1). */
export function LibraryHeader({ library, onRename, onDelete }: LibraryHeaderProps) {
  const can = useCan();
  const scan = useStartScan();
  return (
    <Stack gap="xs">
      <Breadcrumbs>
        <Anchor component={Link} to="/libraries">Libraries</Anchor>
        <Text>{library.name}</Text>
      </Breadcrumbs>
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Title order={2}>{library.name}</Title>
          <Text size="sm" ff="monospace" c="dimmed">{library.rootPath}</Text>
          <Text size="sm">{library.seriesCount} series · {library.bookCount} books</Text>
          <Text size="sm" c="dimmed">
            Last scan: {library.lastScanStatus ? <>{SCAN_STATUS_BADGES[library.lastScanStatus].label} <RelativeTime value={library.lastScanAt} /></> : "never"}
          </Text>
        </Stack>
        <Group gap="xs">
          {can("libraries:write") ? (
            <Group gap={0}>
              <Button loading={scan.isPending} onClick={() => scan.start(library.id, library.name, false)} style={{ borderTopRightRadius: 0, borderBottomRightRadius: 0 }}>Scan</Button>
              <Menu position="bottom-end">
                <Menu.Target>
                  <ActionIcon size={36} aria-label="More scan options" style={{ borderTopLeftRadius: 0, borderBottomLeftRadius: 0 }}><IconChevronDown size={16} /></ActionIcon>
                </Menu.Target>
                <Menu.Dropdown><Menu.Item onClick={() => scan.start(library.id, library.name, true)}>Full rescan</Menu.Item></Menu.Dropdown>
              </Menu>
            </Group>
          ) : null}
          <Button variant="default" component={Link} to={`/libraries/${library.id}/jobs`}>Scheduled jobs ({library.jobCount})</Button>
          {can("libraries:write") || can("libraries:manage") ? (
            <Menu position="bottom-end">
              <Menu.Target><ActionIcon variant="subtle" size={36} aria-label="Library actions"><IconDots size={16} /></ActionIcon></Menu.Target>
              <Menu.Dropdown>
                {can("libraries:write") ? <Menu.Item onClick={onRename}>Rename</Menu.Item> : null}
                {can("libraries:manage") ? <Menu.Item color="red" onClick={onDelete}>Delete</Menu.Item> : null}
              </Menu.Dropdown>
            </Menu>
          ) : null}
        </Group>
      </Group>
    </Stack>
  );
}
