import { ActionIcon, Group, Stack, Table, Text, Tooltip } from "@mantine/core";
import { IconCheck, IconLock, IconLockOpen, IconPencil, IconX } from "@tabler/icons-react";
import { useEffect, useState } from "react";
import type { EntityMetadata, EntityType, JsonValue } from "../../api/types";
import { PlainValue } from "../../components/ChangeValue";
import { toast } from "../../app/toasts";
import { FieldEditor } from "./FieldEditor";
import { editedValueForPatch, type MetadataFieldDef } from "./metadataFields";
import { usePatchMetadata, useSetLock } from "./queries";

const SAVED_HINT_MS = 3000;

interface MetadataRowProps {
  entity: EntityType;
  entityId: string;
  field: MetadataFieldDef;
  metadata: EntityMetadata;
  canWrite: boolean;
}

function LockToggle({ field, locked, canWrite, onToggle }: { field: MetadataFieldDef; locked: boolean; canWrite: boolean; onToggle: () => void }) {
  const Icon = locked ? IconLock : IconLockOpen;
  if (!canWrite) return <Icon size={16} aria-label={locked ? `${field.label} locked` : `${field.label} unlocked`} />;
  return (
    <Tooltip label="Locked: jobs and fetches never change this field">
      <ActionIcon variant={locked ? "light" : "subtle"} color={locked ? "yellow" : "gray"} aria-pressed={locked}
        aria-label={locked ? `Unlock ${field.label}` : `Lock ${field.label}`} onClick={onToggle}>
        <Icon size={16} />
      </ActionIcon>
    </Tooltip>
  );
}

/** One metadata field: value, lock toggle and inline edit (web-ui §3.4.3). */
export function MetadataRow({ entity, entityId, field, metadata, canWrite }: MetadataRowProps) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<unknown>(null);
  const [savedHint, setSavedHint] = useState(false);
  const patch = usePatchMetadata(entity, entityId);
  const setLock = useSetLock(entity, entityId);
  const value = metadata[field.key] as JsonValue | undefined;
  const locked = field.lockKey ? metadata.locks[field.lockKey] === true : false;

  useEffect(() => {
    if (!savedHint) return;
    const timer = setTimeout(() => setSavedHint(false), SAVED_HINT_MS);
    return () => clearTimeout(timer);
  }, [savedHint]);

  const startEdit = () => { patch.reset(); setDraft(value ?? null); setEditing(true); };
  const save = () =>
    patch.mutate({ [field.key]: editedValueForPatch(field.editor, draft) }, {
      onSuccess: () => { setEditing(false); setSavedHint(true); },
      onError: (error) => { if (error.status !== 400 && error.status !== 422) toast.error("Couldn't save", error.message); },
    });
  const toggleLock = () =>
    field.lockKey && setLock.mutate({ lockKey: field.lockKey, locked: !locked }, { onError: (error) => toast.error("Couldn't save", error.message) });

  return (
    <Table.Tr tabIndex={canWrite ? 0 : undefined} onKeyDown={(event) => { if (event.key === "Enter" && !editing && canWrite && event.target === event.currentTarget) startEdit(); }}>
      <Table.Th scope="row" w={180}><Text size="sm" fw={500}>{field.label}</Text></Table.Th>
      <Table.Td>
        {editing ? (
          <Group gap="xs" align="flex-start" wrap="nowrap">
            <Stack gap={2} style={{ flex: 1 }}>
              <FieldEditor field={field} value={draft} error={patch.error?.message ?? null} onChange={setDraft} onSave={save} onCancel={() => setEditing(false)} />
            </Stack>
            <ActionIcon aria-label="Save" onClick={save} loading={patch.isPending}><IconCheck size={16} /></ActionIcon>
            <ActionIcon aria-label="Cancel" variant="subtle" onClick={() => setEditing(false)}><IconX size={16} /></ActionIcon>
          </Group>
        ) : (
          <Group gap="xs">
            {value === null || value === undefined || (Array.isArray(value) && value.length === 0) ? <Text size="sm">—</Text> : <Text size="sm" component="div"><PlainValue value={value} field={field.key} /></Text>}
            {savedHint ? <Text size="xs" c="green">Saved · locked</Text> : null}
          </Group>
        )}
      </Table.Td>
      <Table.Td w={40}>{field.lockKey ? <LockToggle field={field} locked={locked} canWrite={canWrite} onToggle={toggleLock} /> : null}</Table.Td>
      <Table.Td w={40}>
        {canWrite && !editing ? <ActionIcon variant="subtle" aria-label={`Edit ${field.label}`} onClick={startEdit}><IconPencil size={16} /></ActionIcon> : null}
      </Table.Td>
    </Table.Tr>
  );
}
