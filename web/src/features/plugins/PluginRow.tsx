import { ActionIcon, Badge, Group, Menu, Stack, Switch, Table, Text, Tooltip } from "@mantine/core";
import { IconAlertTriangle, IconDots } from "@tabler/icons-react";
import type { Plugin, PluginTestResult } from "../../api/types";
import { toast } from "../../app/toasts";
import { capabilitySides, HEALTH_BADGES, rateLimitText } from "./pluginCatalog";
import { usePluginCommand, useTestPlugin } from "./queries";

interface PluginRowProps {
  plugin: Plugin;
  onEdit: () => void;
  onDelete: () => void;
  onTested: (result: PluginTestResult) => void;
}

export function PluginRow({ plugin, onEdit, onDelete, onTested }: PluginRowProps) {
  const command = usePluginCommand();
  const test = useTestPlugin();
  const health = HEALTH_BADGES[plugin.health.status] ?? HEALTH_BADGES.unknown;
  const runTest = () =>
    test.mutate(plugin.id, {
      onSuccess: (result) => {
        onTested(result);
        if (result.success) toast.success("Plugin test passed", plugin.displayName);
        else toast.error("Plugin test failed", result.error?.message ?? "");
      },
      onError: (error) => toast.error("Plugin test failed", error.status === 409 ? "A test of this plugin is already running." : error.message),
    });
  return (
    <Table.Tr>
      <Table.Td><Stack gap={0}><Text size="sm" fw={500}>{plugin.displayName}</Text><Text size="xs" ff="monospace" c="dimmed">{plugin.name}</Text></Stack></Table.Td>
      <Table.Td>{plugin.manifest?.version ?? "—"}</Table.Td>
      <Table.Td><Group gap={4}>{capabilitySides(plugin).map((side) => <Badge key={side} size="xs">{side}</Badge>)}</Group></Table.Td>
      <Table.Td><Group gap={4}>{plugin.scopes.map((scope) => <Badge key={scope} size="xs" variant="outline" tt="none">{scope}</Badge>)}</Group></Table.Td>
      <Table.Td>
        <Group gap={4} wrap="nowrap">
          <Tooltip label={plugin.health.lastError ?? plugin.disabledReason ?? health.label}><Badge color={health.color}>{health.label}</Badge></Tooltip>
          {plugin.missingCredentials.length ? <Tooltip label={`Missing credentials: ${plugin.missingCredentials.join(", ")}`}><IconAlertTriangle size={16} color="var(--mantine-color-yellow-7)" aria-label="Missing credentials" /></Tooltip> : null}
        </Group>
      </Table.Td>
      <Table.Td>
        <Switch aria-label={`Enable plugin ${plugin.displayName}`} checked={plugin.enabled}
          onChange={(event) => command.mutate({ pluginId: plugin.id, command: event.currentTarget.checked ? "enable" : "disable" }, { onError: (error) => toast.error("Couldn't save", error.message) })} />
      </Table.Td>
      <Table.Td>{rateLimitText(plugin.rateLimitPerMinute)}</Table.Td>
      <Table.Td>
        <Menu position="bottom-end">
          <Menu.Target><ActionIcon variant="subtle" aria-label={`Actions for ${plugin.displayName}`} loading={test.isPending}><IconDots size={16} /></ActionIcon></Menu.Target>
          <Menu.Dropdown>
            <Menu.Item onClick={onEdit}>Edit</Menu.Item>
            <Menu.Item onClick={runTest}>Test</Menu.Item>
            <Menu.Item onClick={() => command.mutate({ pluginId: plugin.id, command: "restart" }, { onSuccess: () => toast.info("Plugin restarting", plugin.displayName) })}>Restart</Menu.Item>
            <Menu.Item color="red" onClick={onDelete}>Delete</Menu.Item>
          </Menu.Dropdown>
        </Menu>
      </Table.Td>
    </Table.Tr>
  );
}
