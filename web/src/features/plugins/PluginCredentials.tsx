import { Badge, Button, Group, PasswordInput, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import type { Plugin } from "../../api/types";
import { toast } from "../../app/toasts";
import { useSetCredentials } from "./queries";

/** Write-only credentials: values are never shown; only entered values and removals are sent. */
export function PluginCredentials({ plugin }: { plugin: Plugin }) {
  const keys = [...new Set([...(plugin.manifest?.requiredCredentials ?? []).map((credential) => credential.key), ...plugin.credentialKeys])];
  const [entered, setEntered] = useState<Record<string, string | null>>({});
  const save = useSetCredentials(plugin.id);
  const changes = Object.fromEntries(Object.entries(entered).filter(([, value]) => value === null || value !== ""));
  return (
    <Stack gap="xs">
      <Title order={5}>Credentials</Title>
      {keys.length === 0 ? <Text size="sm" c="dimmed">This plugin declares no credentials.</Text> : keys.map((key) => (
        <Group key={key} align="flex-end" wrap="nowrap">
          <PasswordInput label={key} placeholder="Enter a new value" autoComplete="new-password" style={{ flex: 1 }}
            value={entered[key] ?? ""} onChange={(event) => setEntered({ ...entered, [key]: event.currentTarget.value })} />
          <Badge color={plugin.credentialKeys.includes(key) && entered[key] !== null ? "green" : "gray"}>
            {plugin.credentialKeys.includes(key) && entered[key] !== null ? "Set" : "Not set"}
          </Badge>
          <Button size="xs" variant="subtle" color="red" onClick={() => setEntered({ ...entered, [key]: null })}>Remove</Button>
        </Group>
      ))}
      {keys.length ? (
        <Button size="xs" w="fit-content" disabled={Object.keys(changes).length === 0} loading={save.isPending}
          onClick={() => save.mutate(changes, { onSuccess: () => { setEntered({}); toast.success("Plugin saved", plugin.displayName); }, onError: (error) => toast.error("Couldn't save", error.message) })}>
          Save credentials
        </Button>
      ) : null}
    </Stack>
  );
}
