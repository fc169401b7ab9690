import { Alert, Anchor, Badge, Group, Input, SegmentedControl, Select, Stack, Text, Tooltip } from "@mantine/core";
import type { UseFormReturnType } from "@mantine/form";
import { IconAlertTriangle } from "@tabler/icons-react";
import { Link } from "react-router";
import type { JobScope } from "../../api/types";
import { useCan } from "../../app/permissions";
import { toast } from "../../app/toasts";
import type { JobFormValues } from "./jobFormValues";
import { valuesForScope } from "./jobFormValues";
import { isHealthWarning, type ProviderOption } from "./providerOptions";
import { correctScope, SCOPE_OPTIONS, scopeCorrectedMessage, unsupportedScopeReason } from "./scopeRules";

function ProviderOptionLabel({ option }: { option: ProviderOption }) {
  const sides = option.capabilities.metadataProvider;
  return (
    <Group gap="xs" wrap="nowrap" justify="space-between" w="100%">
      <Stack gap={0}>
        <Text size="sm">{option.displayName}</Text>
        <Text size="xs" c="dimmed" ff="monospace">
          {option.pluginName}
        </Text>
      </Stack>
      <Group gap={4} wrap="nowrap">
        {isHealthWarning(option.healthStatus) || option.unavailable ? (
          <IconAlertTriangle size={16} color="var(--mantine-color-yellow-7)" aria-label={`Health: ${option.healthStatus}`} />
        ) : null}
        {sides.includes("series") ? <Badge size="xs">Series</Badge> : null}
        {sides.includes("book") ? <Badge size="xs" color="grape">Books</Badge> : null}
      </Group>
    </Group>
  );
}

interface ProviderSectionProps {
  form: UseFormReturnType<JobFormValues>;
  options: ProviderOption[];
}

/** Provider choice and the scope it allows, with scope auto-correct (web-ui §3.7.4–5). */
export function ProviderSection({ form, options }: ProviderSectionProps) {
  const can = useCan();
  const values = form.values;
  const selected = options.find((option) => option.value === values.provider);

  const changeProvider = (value: string | null) => {
    const option = options.find((candidate) => candidate.value === value);
    form.setFieldValue("provider", value);
    if (!option) return;
    const correction = correctScope(form.values.scope, option.capabilities);
    if (correction.onlySide) {
      form.setValues(valuesForScope({ ...form.values, provider: value }, correction.scope));
      toast.info("Scope updated", scopeCorrectedMessage(option.displayName, correction.onlySide));
    }
  };

  const scopeData = SCOPE_OPTIONS.map((option) => {
    const reason = selected ? unsupportedScopeReason(option.value, selected.displayName, selected.capabilities) : null;
    return {
      value: option.value,
      disabled: reason !== null,
      label: reason ? <Tooltip label={reason}><span>{option.label}</span></Tooltip> : option.label,
    };
  });

  return (
    <Stack gap="xs">
      {options.length === 0 ? (
        <Alert color="yellow">
          No metadata providers are available for this library.{" "}
          {can("plugins:manage") ? <Anchor component={Link} to="/settings/plugins">Open plugin settings</Anchor> : null}
        </Alert>
      ) : null}
      <Select
        id="job-editor-provider"
        label="Provider"
        withAsterisk
        placeholder="Choose a provider"
        data={options.map((option) => ({ value: option.value, label: option.displayName }))}
        renderOption={({ option }) => {
          const provider = options.find((candidate) => candidate.value === option.value);
          return provider ? <ProviderOptionLabel option={provider} /> : option.label;
        }}
        value={values.provider}
        onChange={changeProvider}
        error={form.errors.provider}
        allowDeselect={false}
      />
      {selected?.unavailable ? (
        <Text size="sm" c="yellow.8">
          This provider is no longer offered for this library.
        </Text>
      ) : null}
      <Input.Wrapper id="job-editor-scope" label="Scope" error={form.errors.scope}>
        <SegmentedControl
          fullWidth
          data={scopeData}
          value={values.scope}
          onChange={(scope) => form.setValues(valuesForScope(form.values, scope as JobScope))}
          aria-label="Scope"
        />
      </Input.Wrapper>
    </Stack>
  );
}
