import type { ApplyResponse, PreviewField, PreviewFieldStatus } from "../../api/types";
import { isApiError } from "../../api/errors";

export const PREVIEW_STATUS_BADGES: Record<PreviewFieldStatus, { label: string; color: string }> = {
  will_apply: { label: "Will apply", color: "blue" },
  unchanged: { label: "Unchanged", color: "gray" },
  locked: { label: "Locked", color: "yellow" },
  no_permission: { label: "No permission", color: "orange" },
  invalid: { label: "Invalid", color: "red" },
  not_provided: { label: "Not provided", color: "gray" },
};

const DISABLED: ReadonlySet<PreviewFieldStatus> = new Set(["locked", "no_permission", "invalid"]);
const HIDDEN_BY_DEFAULT: ReadonlySet<PreviewFieldStatus> = new Set(["unchanged", "not_provided"]);

/** `will_apply` rows start checked (metadata §8.2; web-ui §3.4.6). */
export function initiallyChecked(fields: readonly PreviewField[]): Set<string> {
  return new Set(fields.filter((field) => field.status === "will_apply").map((field) => field.field));
}

export function isRowDisabled(field: PreviewField): boolean {
  return DISABLED.has(field.status);
}

/** Rows shown before "Show all fields (<n>)", and how many that link reveals. */
export function visibleRows(fields: readonly PreviewField[], showAll: boolean): { rows: PreviewField[]; hiddenCount: number } {
  const hidden = fields.filter((field) => HIDDEN_BY_DEFAULT.has(field.status));
  return { rows: showAll ? [...fields] : fields.filter((field) => !HIDDEN_BY_DEFAULT.has(field.status)), hiddenCount: hidden.length };
}

/** Apply sends exactly the checked, enabled fields in catalogue order. */
export function applyFields(fields: readonly PreviewField[], checked: ReadonlySet<string>): string[] {
  return fields.filter((field) => checked.has(field.field) && !isRowDisabled(field)).map((field) => field.field);
}

export function appliedToastMessage(response: ApplyResponse, providerName: string): string {
  const head = `Applied ${response.applied.length} fields from ${providerName}.`;
  if (response.skipped.length === 0) return head;
  return `${head} Skipped: ${response.skipped.map((skip) => `${skip.field} (${skip.reason})`).join(", ")}.`;
}

/** Search and preview failures of a provider call (web-ui §3.4.6.2). */
export function providerErrorMessage(error: unknown, providerName: string): string {
  if (!isApiError(error)) return "Something went wrong.";
  if (error.status === 429) return `${providerName} is rate limiting requests. Try again in ${error.retryAfterS ?? "a few"} s.`;
  if (error.status === 504) return `${providerName} did not answer in time.`;
  if (error.isNetwork) return "Can't reach the server.";
  return error.message;
}

export function relevanceText(score: number | null): string | null {
  return score === null ? null : `${Math.round(score * 100)} %`;
}
