import { Button, FileButton, Group, Menu, Popover, Stack, Text, UnstyledButton } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { IconChevronDown } from "@tabler/icons-react";
import type { EntityType } from "../../api/types";
import { toast } from "../../app/toasts";
import { providersQuery } from "../jobs/queries";
import { toastAutoMatch } from "./autoMatchToast";
import { coversQuery, useAutoMatch, useSelectCover, useUploadCover } from "./queries";

const COVER_TYPES = "image/jpeg,image/png,image/webp,image/gif";

function ChangeCover({ entity, entityId }: { entity: EntityType; entityId: string }) {
  const covers = useQuery({ ...coversQuery(entity, entityId), enabled: true });
  const select = useSelectCover(entity, entityId);
  const upload = useUploadCover(entity, entityId);
  const uploadFile = (file: File | null) => {
    if (!file) return;
    upload.mutate(file, {
      onSuccess: () => toast.success("Cover uploaded", file.name),
      onError: (error) => toast.error("Couldn't save", error.message),
    });
  };
  const rows = covers.data ?? [];
  return (
    <Popover position="bottom-end" withArrow>
      <Popover.Target><Button variant="default">Change cover</Button></Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs">
          {rows.length === 0 ? <Text size="sm" c="dimmed">No stored covers.</Text> : rows.map((cover) => (
            <UnstyledButton key={cover.id} onClick={() => select.mutate(cover.id, { onError: (error) => toast.error("Couldn't save", error.message) })}>
              <Text size="sm" fw={cover.isSelected ? 700 : 400}>{cover.source} · {cover.width}×{cover.height}{cover.isSelected ? " (selected)" : ""}</Text>
            </UnstyledButton>
          ))}
          <FileButton accept={COVER_TYPES} onChange={uploadFile}>
            {(props) => <Button {...props} size="xs" variant="light" loading={upload.isPending}>Upload…</Button>}
          </FileButton>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}

interface EntityActionsProps {
  entity: EntityType;
  entityId: string;
  libraryId: string;
  onFetch: () => void;
}

/** Fetch metadata, Auto-match per provider and Change cover (web-ui §3.4.1). */
export function EntityActions({ entity, entityId, libraryId, onFetch }: EntityActionsProps) {
  const providers = useQuery(providersQuery(entity === "series" ? "series:detail" : "book:detail", libraryId)).data?.actions ?? [];
  const autoMatch = useAutoMatch(entity, entityId);
  const run = (pluginId: string) => autoMatch.mutate(pluginId, { onSuccess: toastAutoMatch, onError: (error) => toast.error("Auto-match failed", error.message) });
  return (
    <Group gap="xs">
      <Button onClick={onFetch}>Fetch metadata</Button>
      {entity === "series" ? (
        <Menu>
          <Menu.Target><Button variant="default" loading={autoMatch.isPending} rightSection={<IconChevronDown size={14} />}>Auto-match</Button></Menu.Target>
          <Menu.Dropdown>
            {providers.length === 0 ? <Menu.Item disabled>No providers</Menu.Item> : providers.map((provider) => (
              <Menu.Item key={provider.pluginId} onClick={() => run(provider.pluginId)}>Auto-match with {provider.pluginDisplayName}</Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
      ) : null}
      <ChangeCover entity={entity} entityId={entityId} />
    </Group>
  );
}
