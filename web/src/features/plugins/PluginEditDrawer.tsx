import { Alert, Button, Divider, Drawer, Group, Stack, Text, Title } from "@mantine/core";
import { modals } from "@mantine/modals";
import { useState } from "react";
import type { Plugin } from "../../api/types";
import { toast } from "../../app/toasts";
import { PluginCredentials } from "./PluginCredentials";
import { PluginEditSections, settingsBody, settingsFromPlugin } from "./PluginEditSections";
import { pluginFieldErrors } from "./pluginFormErrors";
import { useDeletePlugin, useUpdatePlugin } from "./queries";

/** Edit a plugin's settings, credentials, or delete it (web-ui §3.10.4). */
export function PluginEditDrawer({ plugin, onClose }: { plugin: Plugin; onClose: () => void }) {
  const [settings, setSettings] = useState(() => settingsFromPlugin(plugin));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const update = useUpdatePlugin(plugin.id);
  const remove = useDeletePlugin();
  const sides = plugin.manifest?.capabilities.metadataProvider ?? [];

  const save = () => {
    let body: Record<string, unknown>;
    try {
      body = settingsBody(settings);
    } catch {
      return setErrors({ adminConfig: "Must be a JSON object" });
    }
    update.mutate(body, {
      onSuccess: () => { toast.success("Plugin saved", plugin.displayName); onClose(); },
      onError: (error) => setErrors(pluginFieldErrors(error)),
    });
  };
  const confirmDelete = () =>
    modals.openConfirmModal({
      title: "Delete plugin?",
      children: <Text size="sm">Jobs that use this provider will fail with 'plugin missing' until you choose another provider.</Text>,
      labels: { confirm: "Delete", cancel: "Cancel" }, confirmProps: { color: "red" },
      onConfirm: () => remove.mutate(plugin.id, { onSuccess: () => { toast.success("Plugin deleted", plugin.displayName); onClose(); } }),
    });

  return (
    <Drawer opened onClose={onClose} position="right" size="lg" title={`Edit ${plugin.displayName}`}>
      <Stack>
        {errors.form ? <Alert color="red">{errors.form}</Alert> : null}
        <PluginEditSections settings={settings} errors={errors} sides={sides} configFields={plugin.manifest?.configSchema?.fields} onChange={setSettings} />
        <Group justify="flex-end"><Button variant="default" onClick={onClose}>Cancel</Button><Button loading={update.isPending} onClick={save}>Save</Button></Group>
        <Divider />
        <PluginCredentials plugin={plugin} />
        <Divider />
        <Title order={5} c="red">Danger zone</Title>
        <Button color="red" variant="light" w="fit-content" onClick={confirmDelete}>Delete plugin</Button>
      </Stack>
    </Drawer>
  );
}
