import type { FieldErrorBody } from "../../api/types";

/** Editor controls a server error can land on, top to bottom (the first gets focus). */
export const EDITOR_CONTROLS = [
  "name",
  "cronExpression",
  "timezone",
  "provider",
  "scope",
  "fieldGroups",
  "bookFieldGroups",
  "existingSourceIdsOnly",
  "minMatchConfidence",
  "skipRecentlySyncedHours",
  "maxConcurrency",
] as const;
export type EditorControl = (typeof EDITOR_CONTROLS)[number];

const ADVANCED_CONTROLS = new Set<EditorControl>([
  "existingSourceIdsOnly",
  "minMatchConfidence",
  "skipRecentlySyncedHours",
  "maxConcurrency",
]);

const EXACT: Record<string, EditorControl> = {
  name: "name",
  cronSchedule: "cronExpression",
  timezone: "timezone",
  "config.provider": "provider",
  "config.scope": "scope",
  "config.existingSourceIdsOnly": "existingSourceIdsOnly",
  "config.minMatchConfidence": "minMatchConfidence",
  "config.skipRecentlySyncedWithinS": "skipRecentlySyncedHours",
  "config.maxConcurrency": "maxConcurrency",
};

const PREFIXED: [string, EditorControl][] = [
  ["config.fieldGroups", "fieldGroups"],
  ["config.extraFields", "fieldGroups"],
  ["config.bookFieldGroups", "bookFieldGroups"],
  ["config.bookExtraFields", "bookFieldGroups"],
];

/** The control a server `errors[].field` belongs to, or null for the top alert (web-ui §3.7.11). */
export function controlForServerField(field: string | undefined | null): EditorControl | null {
  if (!field) return null;
  const exact = EXACT[field];
  if (exact) return exact;
  for (const [prefix, control] of PREFIXED) {
    if (field === prefix || field.startsWith(`${prefix}[`) || field.startsWith(`${prefix}.`)) return control;
  }
  return null;
}

export interface MappedServerErrors {
  fieldErrors: Partial<Record<EditorControl, string>>;
  topErrors: string[];
  firstControl: EditorControl | null;
  /** A cron error is shown under the Custom input, so the schedule switches to Custom. */
  switchToCustom: boolean;
  expandAdvanced: boolean;
}

export function mapServerErrors(errors: readonly FieldErrorBody[], fallbackMessage?: string): MappedServerErrors {
  const fieldErrors: Partial<Record<EditorControl, string>> = {};
  const topErrors: string[] = [];
  for (const error of errors) {
    const control = controlForServerField(error.field);
    if (control === null) topErrors.push(error.field ? `${error.field}: ${error.message}` : error.message);
    else fieldErrors[control] ??= error.message;
  }
  if (errors.length === 0 && fallbackMessage) topErrors.push(fallbackMessage);
  const controls = Object.keys(fieldErrors) as EditorControl[];
  return {
    fieldErrors,
    topErrors,
    firstControl: EDITOR_CONTROLS.find((control) => control in fieldErrors) ?? null,
    switchToCustom: "cronExpression" in fieldErrors,
    expandAdvanced: controls.some((control) => ADVANCED_CONTROLS.has(control)),
  };
}
