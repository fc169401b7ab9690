import { Select, Stack, TextInput } from "@mantine/core";
import type { UseFormReturnType } from "@mantine/form";
import { useEffect, useMemo } from "react";
import { CRON_PRESETS, customTextWhenSwitching, type ScheduleChoice } from "./cronPresets";
import { CronPreviewPanel } from "./CronPreviewPanel";
import type { JobFormValues } from "./jobFormValues";
import { optionFromZone, timezoneOptions, zoneFromOption } from "./timezones";
import { useCronPreview } from "./useCronPreview";
import { cronFromValues } from "./jobFormValues";

const SCHEDULE_OPTIONS = [
  ...CRON_PRESETS.map((preset) => ({ value: preset.id, label: preset.label })),
  { value: "custom", label: "Custom" },
];

interface ScheduleSectionProps {
  form: UseFormReturnType<JobFormValues>;
  serverDefaultZone: string | null;
  onServerDefaultZone: (zone: string) => void;
}

/** Schedule preset or custom cron, timezone, and the live server preview (web-ui §3.7.1–3). */
export function ScheduleSection({ form, serverDefaultZone, onServerDefaultZone }: ScheduleSectionProps) {
  const values = form.values;
  const cron = cronFromValues(values);
  const { preview, isStale, error, errorTarget } = useCronPreview(cron, values.timezone);
  const zones = useMemo(() => timezoneOptions(serverDefaultZone), [serverDefaultZone]);

  useEffect(() => {
    if (preview && values.timezone === null) onServerDefaultZone(preview.timezone);
  }, [preview, values.timezone, onServerDefaultZone]);

  const changeSchedule = (next: string | null) => {
    const choice = (next ?? "custom") as ScheduleChoice;
    form.setFieldValue("cronExpression", customTextWhenSwitching(values.schedule, choice, values.cronExpression));
    form.setFieldValue("schedule", choice);
  };

  const cronError = form.errors.cronExpression ?? (errorTarget === "cronExpression" ? error : null);
  const zoneError = form.errors.timezone ?? (errorTarget === "timezone" ? error : null);

  return (
    <Stack gap="xs">
      <Select label="Schedule" data={SCHEDULE_OPTIONS} value={values.schedule} onChange={changeSchedule} allowDeselect={false} />
      {values.schedule === "custom" || cronError ? (
        <TextInput
          id="job-editor-cronExpression"
          label="Cron expression"
          placeholder="minute hour day month weekday"
          ff="monospace"
          {...form.getInputProps("cronExpression")}
          error={cronError}
        />
      ) : null}
      <Select
        id="job-editor-timezone"
        label="Timezone"
        searchable
        data={zones}
        value={optionFromZone(values.timezone)}
        onChange={(value) => form.setFieldValue("timezone", zoneFromOption(value))}
        allowDeselect={false}
        nothingFoundMessage="No matching timezone"
        limit={50}
        error={zoneError}
      />
      <CronPreviewPanel preview={preview} typed={cron} dimmed={isStale} />
    </Stack>
  );
}
