import { Checkbox, JsonInput, MultiSelect, NumberInput, Select, Stack, Switch, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import type { ConfigSchemaField, CredentialDelivery, Plugin } from "../../api/types";
import { librariesQuery } from "../libraries/queries";
import { ConfigSchemaForm } from "./ConfigSchemaForm";
import { BOOK_WRITE_PERMISSIONS, COMMON_WRITE_PERMISSIONS, permissionLabel, PLUGIN_SCOPES, WILDCARD_PERMISSION } from "./pluginCatalog";

export interface PluginSettings {
  displayName: string;
  enabled: boolean;
  libraryIds: string[];
  rateLimitPerMinute: number | string;
  requestTimeoutS: number | string;
  scopes: string[];
  permissions: string[];
  adminConfig: string;
  credentialDelivery: CredentialDelivery;
}

export function settingsFromPlugin(plugin: Plugin | null): PluginSettings {
  return {
    displayName: plugin?.displayName ?? "",
    enabled: plugin?.enabled ?? true,
    libraryIds: plugin?.libraryIds ?? [],
    rateLimitPerMinute: plugin?.rateLimitPerMinute ?? 60,
    requestTimeoutS: plugin?.requestTimeoutS ?? "",
    scopes: plugin?.scopes ?? PLUGIN_SCOPES.map((scope) => scope.value),
    permissions: plugin?.permissions ?? ["metadata:read", WILDCARD_PERMISSION],
    adminConfig: JSON.stringify(plugin?.adminConfig ?? {}, null, 2),
    credentialDelivery: plugin?.credentialDelivery ?? "init_message",
  };
}

/** PATCH/POST body of the writable settings; adminConfig must parse to an object. */
export function settingsBody(settings: PluginSettings): Record<string, unknown> {
  return {
    displayName: settings.displayName,
    enabled: settings.enabled,
    libraryIds: settings.libraryIds,
    rateLimitPerMinute: Number(settings.rateLimitPerMinute),
    requestTimeoutS: settings.requestTimeoutS === "" ? null : Number(settings.requestTimeoutS),
    scopes: settings.scopes,
    permissions: settings.permissions,
    adminConfig: JSON.parse(settings.adminConfig || "{}") as unknown,
    credentialDelivery: settings.credentialDelivery,
  };
}

interface SectionsProps {
  settings: PluginSettings;
  errors: Record<string, string>;
  sides: string[];
  /** The manifest's configuration fields; without them the configuration is edited as JSON. */
  configFields?: ConfigSchemaField[] | undefined;
  onChange: (settings: PluginSettings) => void;
}

const CREDENTIAL_DELIVERIES: { value: CredentialDelivery; label: string }[] = [
  { value: "init_message", label: "Initialize message" },
  { value: "env", label: "Environment variables" },
  { value: "both", label: "Both" },
];

function ConfigurationSection({ settings, errors, configFields, onChange }: Omit<SectionsProps, "sides">) {
  const [asJson, setAsJson] = useState(false);
  const setText = (adminConfig: string) => onChange({ ...settings, adminConfig });
  const hasSchema = Boolean(configFields?.length);
  return (
    <Stack gap="xs">
      <Title order={5}>Configuration</Title>
      {hasSchema ? <Switch label="Edit as JSON" checked={asJson} onChange={(event) => setAsJson(event.currentTarget.checked)} /> : null}
      {hasSchema && !asJson ? (
        <ConfigSchemaForm fields={configFields ?? []} text={settings.adminConfig} onChange={setText} />
      ) : (
        <JsonInput label="Admin configuration (JSON object)" autosize minRows={3} validationError="Must be a JSON object" formatOnBlur
          value={settings.adminConfig} error={errors.adminConfig} onChange={setText} />
      )}
      <Select label="Credential delivery" data={CREDENTIAL_DELIVERIES} value={settings.credentialDelivery} allowDeselect={false}
        error={errors.credentialDelivery}
        onChange={(value) => onChange({ ...settings, credentialDelivery: (value ?? "init_message") as CredentialDelivery })} />
    </Stack>
  );
}

function PermissionsChecklist({ settings, onChange }: Pick<SectionsProps, "settings" | "onChange">) {
  const all = settings.permissions.includes(WILDCARD_PERMISSION);
  const toggle = (permission: string, on: boolean) =>
    onChange({ ...settings, permissions: on ? [...settings.permissions, permission] : settings.permissions.filter((item) => item !== permission) });
  const item = (permission: string) => (
    <Checkbox key={permission} size="xs" label={`${permissionLabel(permission)} (${permission})`} disabled={all && permission !== "metadata:read"}
      checked={all && permission !== "metadata:read" ? true : settings.permissions.includes(permission)} onChange={(event) => toggle(permission, event.currentTarget.checked)} />
  );
  return (
    <Stack gap={4}>
      <Checkbox label={`All metadata fields (${WILDCARD_PERMISSION})`} checked={all} onChange={(event) => toggle(WILDCARD_PERMISSION, event.currentTarget.checked)} />
      <Title order={6}>Read</Title>{item("metadata:read")}
      <Title order={6}>Series and books</Title>{COMMON_WRITE_PERMISSIONS.map(item)}
      <Title order={6}>Books only</Title>{BOOK_WRITE_PERMISSIONS.map(item)}
    </Stack>
  );
}

/** General, Scopes, Permissions and Configuration sections of the plugin drawers (web-ui §3.10.4). */
export function PluginEditSections({ settings, errors, sides, configFields, onChange }: SectionsProps) {
  const libraries = useQuery(librariesQuery).data?.items ?? [];
  return (
    <Stack>
      <Title order={5}>General</Title>
      <TextInput label="Display name" value={settings.displayName} error={errors.displayName} onChange={(event) => onChange({ ...settings, displayName: event.currentTarget.value })} />
      <Switch label="Enabled" checked={settings.enabled} onChange={(event) => onChange({ ...settings, enabled: event.currentTarget.checked })} />
      <MultiSelect label="Libraries" placeholder="All libraries" data={libraries.map((library) => ({ value: library.id, label: library.name }))}
        value={settings.libraryIds} error={errors.libraryIds} onChange={(libraryIds) => onChange({ ...settings, libraryIds })} />
      <NumberInput label="Rate limit per minute" description="0 = unlimited" min={0} max={6000} value={settings.rateLimitPerMinute}
        error={errors.rateLimitPerMinute} onChange={(rateLimitPerMinute) => onChange({ ...settings, rateLimitPerMinute })} />
      <NumberInput label="Request timeout (seconds)" placeholder="Server default" min={1} max={600} value={settings.requestTimeoutS}
        error={errors.requestTimeoutS} onChange={(requestTimeoutS) => onChange({ ...settings, requestTimeoutS })} />
      <Title order={5}>Scopes</Title>
      {PLUGIN_SCOPES.map((scope) => (
        <Checkbox key={scope.value} label={`${scope.value} — ${scope.label}`} disabled={sides.length > 0 && !sides.includes(scope.side)}
          checked={settings.scopes.includes(scope.value)}
          onChange={(event) => onChange({ ...settings, scopes: event.currentTarget.checked ? [...settings.scopes, scope.value] : settings.scopes.filter((item) => item !== scope.value) })} />
      ))}
      <Title order={5}>Permissions</Title>
      <PermissionsChecklist settings={settings} onChange={onChange} />
      <ConfigurationSection settings={settings} errors={errors} configFields={configFields} onChange={onChange} />
    </Stack>
  );
}
