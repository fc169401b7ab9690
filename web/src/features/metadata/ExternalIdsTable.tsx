import { Anchor, Button, Group, Modal, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { modals } from "@mantine/modals";
import { useQuery } from "@tanstack/react-query";
import { IconExternalLink } from "@tabler/icons-react";
import { useState } from "react";
import type { EntityType, ExternalIdRow } from "../../api/types";
import { toast } from "../../app/toasts";
import { RelativeTime } from "../../components/RelativeTime";
import { providersQuery } from "../jobs/queries";
import { useDeleteExternalId, usePutExternalId } from "./queries";

function ExternalIdModal({ entity, entityId, row, onClose }: { entity: EntityType; entityId: string; row: ExternalIdRow | null; onClose: () => void }) {
  const put = usePutExternalId(entity, entityId);
  const form = useForm({
    initialValues: { source: row?.source ?? "", externalId: row?.externalId ?? "", externalUrl: row?.externalUrl ?? "" },
    validate: { source: (value) => (value.trim() ? null : "Enter a source"), externalId: (value) => (value.trim() ? null : "Enter an ID") },
  });
  const submit = form.onSubmit((values) =>
    put.mutate({ source: values.source.trim(), externalId: values.externalId.trim(), externalUrl: values.externalUrl.trim() || null }, {
      onSuccess: () => { toast.success("External ID saved", values.source); onClose(); },
      onError: (error) => {
        const errors = Object.fromEntries(error.errors.map((fieldError) => [fieldError.field.replace(/^path\./, ""), fieldError.message]));
        form.setErrors(Object.keys(errors).length ? errors : { source: error.message });
      },
    }),
  );
  return (
    <Modal opened onClose={onClose} title={row ? "Edit external ID" : "Add external ID"}>
      <form onSubmit={submit}>
        <Stack>
          <TextInput label="Source" description="For example plugin:anilist" disabled={row !== null} {...form.getInputProps("source")} />
          <TextInput label="ID" {...form.getInputProps("externalId")} />
          <TextInput label="URL" {...form.getInputProps("externalUrl")} />
          <Group justify="flex-end"><Button variant="default" onClick={onClose}>Cancel</Button><Button type="submit" loading={put.isPending}>Save</Button></Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** External ids with edit/remove so a user can fix a wrong match (web-ui §3.4.4). */
interface ExternalIdsTableProps {
  entity: EntityType;
  entityId: string;
  libraryId: string;
  externalIds: ExternalIdRow[];
  canWrite: boolean;
}

export function ExternalIdsTable({ entity, entityId, libraryId, externalIds, canWrite }: ExternalIdsTableProps) {
  const [editing, setEditing] = useState<ExternalIdRow | null | "new">(null);
  const remove = useDeleteExternalId(entity, entityId);
  const scope = entity === "series" ? "series:detail" : "book:detail";
  const actions = useQuery(providersQuery(scope, libraryId)).data?.actions;
  const sourceLabel = (source: string) =>
    source.startsWith("plugin:") ? (actions?.find((action) => `plugin:${action.pluginName}` === source)?.pluginDisplayName ?? source) : source;
  const confirmRemove = (row: ExternalIdRow) =>
    modals.openConfirmModal({
      title: "Remove external ID?", children: <Text size="sm">Remove {sourceLabel(row.source)} ID {row.externalId}?</Text>,
      labels: { confirm: "Remove", cancel: "Cancel" }, confirmProps: { color: "red" },
      onConfirm: () => remove.mutate(row.source, { onError: (error) => toast.error("Couldn't save", error.message) }),
    });
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Title order={4}>External IDs</Title>
        {canWrite ? <Button size="xs" variant="light" onClick={() => setEditing("new")}>Add ID</Button> : null}
      </Group>
      {externalIds.length === 0 ? <Text size="sm" c="dimmed">No external IDs.</Text> : (
        <Table>
          <Table.Thead><Table.Tr><Table.Th>Source</Table.Th><Table.Th>ID</Table.Th><Table.Th>Last synced</Table.Th><Table.Th /></Table.Tr></Table.Thead>
          <Table.Tbody>
            {externalIds.map((row) => (
              <Table.Tr key={row.source}>
                <Table.Td>{sourceLabel(row.source)}</Table.Td>
                <Table.Td>
                  <Group gap={4}>{row.externalId}{row.externalUrl ? <Anchor href={row.externalUrl} target="_blank" rel="noreferrer" aria-label="Open external page"><IconExternalLink size={14} /></Anchor> : null}</Group>
                </Table.Td>
                <Table.Td><RelativeTime value={row.lastSyncedAt} /></Table.Td>
                <Table.Td>
                  {canWrite ? (
                    <Group gap={4} justify="flex-end">
                      <Button size="compact-xs" variant="subtle" onClick={() => setEditing(row)}>Edit</Button>
                      <Button size="compact-xs" variant="subtle" color="red" onClick={() => confirmRemove(row)}>Remove</Button>
                    </Group>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {editing ? <ExternalIdModal entity={entity} entityId={entityId} row={editing === "new" ? null : editing} onClose={() => setEditing(null)} /> : null}
    </Stack>
  );
}
