/** Schedule presets of the job editor (web-ui §3.7) and their round-trip with a stored cron. */

export interface CronPreset {
  id: "hourly" | "every6h" | "daily" | "weekly";
  label: string;
  value: string;
}

export const CRON_PRESETS: readonly CronPreset[] = [
  { id: "hourly", label: "Hourly", value: "0 * * * *" },
  { id: "every6h", label: "Every 6 hours", value: "0 */6 * * *" },
  { id: "daily", label: "Daily at 04:00", value: "0 4 * * *" },
  { id: "weekly", label: "Weekly (Sunday 04:00)", value: "0 4 * * 0" },
];

export type ScheduleChoice = CronPreset["id"] | "custom";

export const DEFAULT_SCHEDULE: ScheduleChoice = "daily";

/** A stored cron equal to a preset's value selects that preset; anything else is Custom. */
export function scheduleChoiceForCron(cron: string): ScheduleChoice {
  return CRON_PRESETS.find((preset) => preset.value === cron)?.id ?? "custom";
}

export function presetValue(choice: ScheduleChoice): string | undefined {
  return CRON_PRESETS.find((preset) => preset.id === choice)?.value;
}

/** The expression the form would save. */
export function cronForChoice(choice: ScheduleChoice, customText: string): string {
  return presetValue(choice) ?? customText.trim();
}

/**
 * Switching to Custom starts from the previously selected preset's expression, so the user
 * edits something that works instead of an empty box.
 */
export function customTextWhenSwitching(from: ScheduleChoice, to: ScheduleChoice, currentText: string): string {
  if (to !== "custom") return currentText;
  return presetValue(from) ?? currentText;
}
