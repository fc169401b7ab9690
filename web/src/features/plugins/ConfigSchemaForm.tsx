import { NumberInput, Select, Stack, Switch, TextInput } from "@mantine/core";
import type { ConfigSchemaField, JsonValue } from "../../api/types";

type Config = Record<string, JsonValue>;

/** The object in the JSON text, or null while the text is not a JSON object. */
export function parseConfig(text: string): Config | null {
  try {
    const value = JSON.parse(text || "{}") as unknown;
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Config) : null;
  } catch {
    return null;
  }
}

function placeholderOf(field: ConfigSchemaField): string | undefined {
  return field.default === undefined || field.default === null ? undefined : String(field.default);
}

function optionsOf(field: ConfigSchemaField): { value: string; label: string }[] {
  return (field.options ?? []).map((option) =>
    typeof option === "string" ? { value: option, label: option } : { value: option.value, label: option.label ?? option.value },
  );
}

interface FieldProps {
  field: ConfigSchemaField;
  value: JsonValue | undefined;
  onChange: (value: JsonValue | undefined) => void;
}

function ConfigField({ field, value, onChange }: FieldProps) {
  const common = { label: field.label, description: field.description, required: field.required };
  switch (field.type) {
    case "boolean":
      return <Switch {...common} checked={value === undefined ? field.default === true : value === true} onChange={(event) => onChange(event.currentTarget.checked)} />;
    case "number":
      return <NumberInput {...common} placeholder={placeholderOf(field)} value={typeof value === "number" ? value : ""}
        onChange={(next) => onChange(next === "" ? undefined : Number(next))} />;
    case "select":
      return <Select {...common} placeholder={placeholderOf(field)} data={optionsOf(field)} value={typeof value === "string" ? value : null}
        clearable onChange={(next) => onChange(next ?? undefined)} />;
    default:
      return <TextInput {...common} placeholder={placeholderOf(field)} value={typeof value === "string" ? value : ""}
        onChange={(event) => onChange(event.currentTarget.value === "" ? undefined : event.currentTarget.value)} />;
  }
}

interface ConfigSchemaFormProps {
  fields: ConfigSchemaField[];
  /** The admin configuration as JSON text, the form's single source of truth. */
  text: string;
  onChange: (text: string) => void;
}

/**
 * `adminConfig` edited through the manifest's `configSchema` (web-ui §3.10.4): one control per
 * field, defaults as placeholders; keys the schema does not name are kept as they are.
 */
export function ConfigSchemaForm({ fields, text, onChange }: ConfigSchemaFormProps) {
  const config = parseConfig(text) ?? {};
  const setValue = (key: string, value: JsonValue | undefined) => {
    const next: Config = { ...config };
    if (value === undefined) delete next[key];
    else next[key] = value;
    onChange(JSON.stringify(next, null, 2));
  };
  return (
    <Stack gap="xs">
      {fields.map((field) => (
        <ConfigField key={field.key} field={field} value={config[field.key]} onChange={(value) => setValue(field.key, value)} />
      ))}
    </Stack>
  );
}
