import { Alert, Button, Card, Drawer, Group, SegmentedControl, SimpleGrid, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { CreatePlugin, CredentialDelivery, PluginPreset, PluginTestResult } from "../../api/types";
import { toast } from "../../app/toasts";
import { PluginEditSections, settingsBody, settingsFromPlugin } from "./PluginEditSections";
import { pluginFieldErrors } from "./pluginFormErrors";
import { PluginTestPanel } from "./PluginTestPanel";
import { presetsQuery, useCreatePlugin, useTestPlugin } from "./queries";

const NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Install from a preset or a custom command, then test it at once (web-ui §3.10.3). */
export function InstallPluginDrawer({ onClose }: { onClose: () => void }) {
  const presets = useQuery(presetsQuery);
  const [mode, setMode] = useState<"preset" | "custom">("preset");
  const [name, setName] = useState("");
  const [command, setCommand] = useState("");
  const [args, setArgs] = useState("");
  const [workingDir, setWorkingDir] = useState("");
  const [settings, setSettings] = useState(() => settingsFromPlugin(null));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [testResult, setTestResult] = useState<PluginTestResult | null>(null);
  const create = useCreatePlugin();
  const test = useTestPlugin();

  const choosePreset = (preset: PluginPreset) => {
    setName(preset.name);
    setCommand(preset.command);
    setArgs(preset.args.join("\n"));
    setSettings({
      ...settings, displayName: preset.displayName, rateLimitPerMinute: preset.rateLimitPerMinute ?? 60,
      adminConfig: JSON.stringify(preset.adminConfig ?? {}, null, 2), scopes: preset.scopes, permissions: preset.permissions,
      credentialDelivery: preset.credentialDelivery as CredentialDelivery,
    });
  };

  const install = () => {
    if (!NAME_PATTERN.test(name)) return setErrors({ name: "Lowercase letters, digits and dashes; starts with a letter or digit" });
    let body: CreatePlugin;
    try {
      body = { ...settingsBody(settings), name, command, args: args.split("\n").map((line) => line.trim()).filter(Boolean), workingDir: workingDir.trim() || null };
    } catch {
      return setErrors({ adminConfig: "Must be a JSON object" });
    }
    create.mutate(body, {
      onSuccess: (plugin) => {
        toast.success("Plugin installed", plugin.displayName);
        test.mutate(plugin.id, { onSuccess: setTestResult });
      },
      onError: (error) => setErrors(pluginFieldErrors(error)),
    });
  };

  return (
    <Drawer opened onClose={onClose} position="right" size="lg" title="Install plugin">
      <Stack>
        <SegmentedControl value={mode} onChange={(value) => setMode(value as "preset" | "custom")} data={[{ value: "preset", label: "Preset" }, { value: "custom", label: "Custom command" }]} />
        {mode === "preset" ? (
          <SimpleGrid cols={2}>
            {(presets.data ?? []).map((preset) => (
              <Card key={preset.name} withBorder>
                <Stack gap={4}>
                  <Text fw={600}>{preset.displayName}</Text>
                  <Text size="xs" c="dimmed">{preset.description}</Text>
                  <Button size="xs" variant="light" onClick={() => choosePreset(preset)}>Select</Button>
                </Stack>
              </Card>
            ))}
          </SimpleGrid>
        ) : null}
        <TextInput label="Command" withAsterisk description="An allowed command such as python" value={command} error={errors.command} onChange={(event) => setCommand(event.currentTarget.value)} />
        <Textarea label="Arguments" description="One per line" autosize minRows={2} value={args} error={errors.args} onChange={(event) => setArgs(event.currentTarget.value)} />
        {mode === "custom" ? <TextInput label="Working directory" value={workingDir} error={errors.workingDir} onChange={(event) => setWorkingDir(event.currentTarget.value)} /> : null}
        <TextInput label="Name" withAsterisk description="Used in job providers as plugin:<name>; cannot be changed later" value={name} error={errors.name} onChange={(event) => setName(event.currentTarget.value)} />
        <PluginEditSections settings={settings} errors={errors} sides={[]} onChange={setSettings} />
        {errors.form ? <Alert color="red">{errors.form}</Alert> : null}
        {testResult ? <PluginTestPanel result={testResult} /> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{testResult ? "Close" : "Cancel"}</Button>
          {!create.isSuccess ? <Button loading={create.isPending} onClick={install}>Install</Button> : null}
        </Group>
      </Stack>
    </Drawer>
  );
}
