import { Alert, Button, Code, CopyButton, Group, Modal, MultiSelect, Select, Stack, Table, Text, TextInput, Title, VisuallyHidden } from "@mantine/core";
import { modals } from "@mantine/modals";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { CreatedApiKey } from "../../api/types";
import { useMe } from "../../app/session";
import { toast } from "../../app/toasts";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { ListSkeleton } from "../../components/ListSkeleton";
import { formatDateTime } from "../../components/timeFormat";
import { apiKeysQuery, expiryFromChoice, useCreateApiKey, useRevokeApiKey } from "./queries";

function CreateKeyModal({ onClose, onCreated }: { onClose: () => void; onCreated: (key: CreatedApiKey) => void }) {
  const me = useMe().data;
  const create = useCreateApiKey();
  const [name, setName] = useState("");
  const [permissions, setPermissions] = useState<string[]>([]);
  const [expiry, setExpiry] = useState("0");
  const submit = () =>
    create.mutate({ name: name.trim(), ...(permissions.length ? { permissions } : {}), expiresAt: expiryFromChoice(expiry) }, { onSuccess: onCreated });
  return (
    <Modal opened onClose={onClose} title="Create API key">
      <Stack>
        <TextInput label="Name" withAsterisk value={name} onChange={(event) => setName(event.currentTarget.value)} error={create.error?.errors.find((error) => error.field === "name")?.message} />
        <MultiSelect label="Permissions" placeholder="Same as your account" data={me?.permissions ?? []} value={permissions} onChange={setPermissions}
          error={create.error?.errors.find((error) => error.field.startsWith("permissions"))?.message} />
        <Select label="Expires" allowDeselect={false} value={expiry} onChange={(value) => setExpiry(value ?? "0")}
          data={[{ value: "0", label: "Never" }, { value: "30", label: "30 days" }, { value: "90", label: "90 days" }, { value: "365", label: "365 days" }]} />
        {create.error && create.error.errors.length === 0 ? <Alert color="red">{create.error.message}</Alert> : null}
        <Group justify="flex-end"><Button variant="default" onClick={onClose}>Cancel</Button><Button disabled={!name.trim()} loading={create.isPending} onClick={submit}>Create</Button></Group>
      </Stack>
    </Modal>
  );
}

function ShowKeyOnce({ created, onClose }: { created: CreatedApiKey; onClose: () => void }) {
  return (
    <Modal opened onClose={onClose} title={`API key “${created.name}”`}>
      <Stack>
        <Alert color="yellow">Copy this key now. It will not be shown again.</Alert>
        <Code block>{created.key}</Code>
        <Group justify="flex-end">
          <CopyButton value={created.key}>{({ copied, copy }) => <Button onClick={copy}>{copied ? "Copied" : "Copy"}</Button>}</CopyButton>
          <Button variant="default" onClick={onClose}>Done</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The user's API keys: list, create (shown once), revoke (web-ui §3.12). */
export function ApiKeysSection() {
  const keys = useQuery(apiKeysQuery);
  const revoke = useRevokeApiKey();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const confirmRevoke = (keyId: string, name: string) =>
    modals.openConfirmModal({
      title: "Revoke API key?", children: <Text size="sm">Programs using “{name}” lose access at once.</Text>,
      labels: { confirm: "Revoke", cancel: "Cancel" }, confirmProps: { color: "red" },
      onConfirm: () => revoke.mutate(keyId, { onSuccess: () => toast.success("API key revoked", name), onError: (error) => toast.error("Couldn't revoke", error.message) }),
    });
  const items = keys.data?.items.filter((key) => !key.revokedAt) ?? [];
  return (
    <Stack>
      <Group justify="space-between"><Title order={4}>API keys</Title><Button onClick={() => setCreating(true)}>Create API key</Button></Group>
      {keys.isPending ? <ListSkeleton rows={2} /> : keys.isError ? <ErrorState thing="API keys" error={keys.error} onRetry={() => void keys.refetch()} /> : items.length === 0 ? (
        <EmptyState title="No API keys yet." />
      ) : (
        <Table>
          <Table.Caption><VisuallyHidden>API keys</VisuallyHidden></Table.Caption>
          <Table.Thead><Table.Tr><Table.Th>Name</Table.Th><Table.Th>Prefix</Table.Th><Table.Th>Permissions</Table.Th><Table.Th>Created</Table.Th><Table.Th>Last used</Table.Th><Table.Th>Expires</Table.Th><Table.Th><VisuallyHidden>Actions</VisuallyHidden></Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>
            {items.map((key) => (
              <Table.Tr key={key.id}>
                <Table.Td>{key.name}</Table.Td>
                <Table.Td><Code>{key.prefix}</Code></Table.Td>
                <Table.Td>{key.permissions?.length ? key.permissions.join(", ") : "Same as your account"}</Table.Td>
                <Table.Td>{formatDateTime(key.createdAt)}</Table.Td>
                <Table.Td>{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : "Never"}</Table.Td>
                <Table.Td>{key.expiresAt ? formatDateTime(key.expiresAt) : "Never"}</Table.Td>
                <Table.Td><Button size="compact-xs" variant="subtle" color="red" onClick={() => confirmRevoke(key.id, key.name)}>Revoke</Button></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {creating ? <CreateKeyModal onClose={() => setCreating(false)} onCreated={(key) => { setCreating(false); setCreated(key); }} /> : null}
      {created ? <ShowKeyOnce created={created} onClose={() => setCreated(null)} /> : null}
    </Stack>
  );
}
