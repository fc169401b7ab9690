import { Button, Group, Modal, Stack, Table, Text, Title, VisuallyHidden } from "@mantine/core";
import { modals } from "@mantine/modals";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { Plugin, PluginTestResult } from "../../api/types";
import { toast } from "../../app/toasts";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { ListSkeleton } from "../../components/ListSkeleton";
import { usePageTitle } from "../../components/usePageTitle";
import { InstallPluginDrawer } from "./InstallPluginDrawer";
import { PluginEditDrawer } from "./PluginEditDrawer";
import { PluginRow } from "./PluginRow";
import { PluginTestPanel } from "./PluginTestPanel";
import { pluginsQuery, useDeletePlugin } from "./queries";

/** Plugin settings, admin only (web-ui §3.10). */
export function PluginsPage() {
  usePageTitle("Plugins");
  const plugins = useQuery(pluginsQuery);
  const remove = useDeletePlugin();
  const [installing, setInstalling] = useState(false);
  const [editing, setEditing] = useState<Plugin | null>(null);
  const [tested, setTested] = useState<PluginTestResult | null>(null);
  const install = <Button onClick={() => setInstalling(true)}>Install plugin</Button>;
  const confirmDelete = (plugin: Plugin) =>
    modals.openConfirmModal({
      title: "Delete plugin?",
      children: <Text size="sm">Jobs that use this provider will fail with 'plugin missing' until you choose another provider.</Text>,
      labels: { confirm: "Delete", cancel: "Cancel" }, confirmProps: { color: "red" },
      onConfirm: () => remove.mutate(plugin.id, { onSuccess: () => toast.success("Plugin deleted", plugin.displayName), onError: (error) => toast.error("Couldn't delete plugin", error.message) }),
    });
  return (
    <Stack>
      <Group justify="space-between"><Title order={2}>Plugins</Title>{install}</Group>
      {plugins.isPending ? <ListSkeleton rows={3} /> : plugins.isError ? (
        <ErrorState thing="plugins" error={plugins.error} onRetry={() => void plugins.refetch()} />
      ) : plugins.data.length === 0 ? (
        <EmptyState title="No plugins installed." action={install} />
      ) : (
        <Table.ScrollContainer minWidth={900}>
          <Table>
            <Table.Caption><VisuallyHidden>Plugins</VisuallyHidden></Table.Caption>
            <Table.Thead><Table.Tr><Table.Th>Name</Table.Th><Table.Th>Version</Table.Th><Table.Th>Capabilities</Table.Th><Table.Th>Scopes</Table.Th><Table.Th>Health</Table.Th><Table.Th>Enabled</Table.Th><Table.Th>Rate limit</Table.Th><Table.Th><VisuallyHidden>Actions</VisuallyHidden></Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {plugins.data.map((plugin) => <PluginRow key={plugin.id} plugin={plugin} onEdit={() => setEditing(plugin)} onDelete={() => confirmDelete(plugin)} onTested={setTested} />)}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {installing ? <InstallPluginDrawer onClose={() => setInstalling(false)} /> : null}
      {editing ? <PluginEditDrawer plugin={editing} onClose={() => setEditing(null)} /> : null}
      {tested ? <Modal opened onClose={() => setTested(null)} title="Plugin test"><PluginTestPanel result={tested} /></Modal> : null}
    </Stack>
  );
}
