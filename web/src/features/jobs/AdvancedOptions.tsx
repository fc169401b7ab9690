import { Button, Collapse, MultiSelect, NumberInput, Stack, Switch, Text } from "@mantine/core";
import type { UseFormReturnType } from "@mantine/form";
import { IconChevronDown, IconChevronRight } from "@tabler/icons-react";
import type { FieldGroup } from "../../api/types";
import { extraFieldOptions, type ExtraFieldOption } from "./fieldGroupRules";
import { MAX_CONCURRENCY, MAX_SKIP_HOURS, MIN_CONCURRENCY, type JobFormValues } from "./jobFormValues";
import { scopeWritesBooks, scopeWritesSeries } from "./scopeRules";

function ExtraFieldsSelect(props: { label: string; options: ExtraFieldOption[]; value: string[]; onChange: (value: string[]) => void }) {
  return (
    <MultiSelect
      label={props.label}
      searchable
      clearable
      data={props.options.map((option) => ({ value: option.value, label: option.label, disabled: option.disabled }))}
      renderOption={({ option }) => {
        const description = props.options.find((candidate) => candidate.value === option.value)?.description;
        return (
          <Stack gap={0}>
            <Text size="sm" ff="monospace">{option.label}</Text>
            {description ? <Text size="xs" c="dimmed">{description}</Text> : null}
          </Stack>
        );
      }}
      value={props.value}
      onChange={props.onChange}
    />
  );
}

function toNumber(value: number | string, fallback: number): number {
  const number = typeof value === "number" ? value : Number.parseFloat(value);
  return Number.isFinite(number) ? number : fallback;
}

interface AdvancedOptionsProps {
  form: UseFormReturnType<JobFormValues>;
  opened: boolean;
  onToggle: () => void;
  seriesGroups: FieldGroup[];
  bookGroups: FieldGroup[];
}

/** Extra fields, linked-only, confidence, recency guard and concurrency (web-ui §3.7.8–9). */
export function AdvancedOptions({ form, opened, onToggle, seriesGroups, bookGroups }: AdvancedOptionsProps) {
  const values = form.values;
  return (
    <Stack gap="xs">
      <Button variant="subtle" size="compact-sm" onClick={onToggle} aria-expanded={opened}
        leftSection={opened ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />} w="fit-content">
        Advanced options
      </Button>
      <Collapse expanded={opened}>
        <Stack gap="sm">
          {scopeWritesSeries(values.scope) ? (
            <ExtraFieldsSelect label="Extra series fields" options={extraFieldOptions(seriesGroups, values.fieldGroups)}
              value={values.extraFields} onChange={(value) => form.setFieldValue("extraFields", value)} />
          ) : null}
          {scopeWritesBooks(values.scope) ? (
            <ExtraFieldsSelect label="Extra book fields" options={extraFieldOptions(bookGroups, values.bookFieldGroups)}
              value={values.bookExtraFields} onChange={(value) => form.setFieldValue("bookExtraFields", value)} />
          ) : null}
          <Switch id="job-editor-existingSourceIdsOnly" label="Only refresh items already linked to this provider"
            {...form.getInputProps("existingSourceIdsOnly", { type: "checkbox" })} />
          <NumberInput id="job-editor-minMatchConfidence" label="Minimum match confidence" min={0} max={1} step={0.05}
            decimalScale={2} disabled={values.existingSourceIdsOnly} description="Used only when matching by title"
            value={values.minMatchConfidence} error={form.errors.minMatchConfidence}
            onChange={(value) => form.setFieldValue("minMatchConfidence", toNumber(value, 0.8))} />
          <NumberInput id="job-editor-skipRecentlySyncedHours" label="Skip items synced within (hours)"
            description="0 turns this off" min={0} max={MAX_SKIP_HOURS} decimalScale={2}
            value={values.skipRecentlySyncedHours} error={form.errors.skipRecentlySyncedHours}
            onChange={(value) => form.setFieldValue("skipRecentlySyncedHours", toNumber(value, 0))} />
          <NumberInput id="job-editor-maxConcurrency" label="Max concurrency" description="Items processed in parallel"
            min={MIN_CONCURRENCY} max={MAX_CONCURRENCY} step={1} allowDecimal={false} clampBehavior="strict"
            value={values.maxConcurrency} error={form.errors.maxConcurrency}
            onChange={(value) => form.setFieldValue("maxConcurrency", toNumber(value, 4))} />
        </Stack>
      </Collapse>
    </Stack>
  );
}
