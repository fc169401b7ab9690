import type { FieldGroup } from "../../api/types";
import type { JobFormValues } from "./jobFormValues";
import { scopeWritesBooks, scopeWritesSeries } from "./scopeRules";

export const SERIES_EMPTY_MESSAGE = "Choose at least one field group or field";
export const BOOKS_EMPTY_MESSAGE = "Choose at least one book field group or book field";

/** Sorted union of the chosen groups' fields and the extra fields (web-ui §3.7.7). */
export function fieldsWritten(groups: readonly FieldGroup[], groupIds: readonly string[], extraFields: readonly string[]): string[] {
  const chosen = new Set(groupIds);
  const fields = new Set<string>(extraFields);
  for (const group of groups) if (chosen.has(group.id)) group.fields.forEach((field) => fields.add(field));
  return [...fields].sort();
}

export function willWriteSummary(entity: "series" | "book", fields: readonly string[]): string {
  return `Will write ${fields.length} ${entity} field${fields.length === 1 ? "" : "s"}: ${fields.join(", ")}`;
}

/** The field-group rule the server enforces too (VAL-10), per side in scope. */
export function fieldGroupErrors(values: JobFormValues): { fieldGroups?: string; bookFieldGroups?: string } {
  const errors: { fieldGroups?: string; bookFieldGroups?: string } = {};
  if (scopeWritesSeries(values.scope) && values.fieldGroups.length === 0 && values.extraFields.length === 0) {
    errors.fieldGroups = SERIES_EMPTY_MESSAGE;
  }
  if (scopeWritesBooks(values.scope) && values.bookFieldGroups.length === 0 && values.bookExtraFields.length === 0) {
    errors.bookFieldGroups = BOOKS_EMPTY_MESSAGE;
  }
  return errors;
}

export interface ExtraFieldOption {
  value: string;
  label: string;
  disabled: boolean;
  description: string | null;
}

/** All catalogue fields of a side, sorted; fields covered by a checked group are disabled (web-ui §3.7.8). */
export function extraFieldOptions(groups: readonly FieldGroup[], checkedGroupIds: readonly string[]): ExtraFieldOption[] {
  const checked = new Set(checkedGroupIds);
  const coveredBy = new Map<string, string>();
  for (const group of groups) {
    if (checked.has(group.id)) group.fields.forEach((field) => coveredBy.set(field, group.label));
  }
  const allFields = [...new Set(groups.flatMap((group) => group.fields))].sort();
  return allFields.map((field) => {
    const group = coveredBy.get(field);
    return { value: field, label: field, disabled: group !== undefined, description: group ? `Included in ${group}` : null };
  });
}

/** Labels of the chosen groups, in the order given, for the job row. */
export function groupLabels(groups: readonly FieldGroup[] | undefined, ids: readonly string[]): string[] {
  return ids.map((id) => groups?.find((group) => group.id === id)?.label ?? id);
}
