import { fieldGroupErrors } from "./fieldGroupRules";
import { MAX_SKIP_HOURS, type JobFormValues } from "./jobFormValues";

/** Client checks mirror only the simple server rules (web-ui §4.3). */
export function validateJobForm(values: JobFormValues): Partial<Record<keyof JobFormValues, string>> {
  const errors: Partial<Record<keyof JobFormValues, string>> = { ...fieldGroupErrors(values) };
  if (!values.provider) errors.provider = "Choose a provider";
  if (values.schedule === "custom" && !values.cronExpression.trim()) errors.cronExpression = "Enter a cron expression";
  if (values.name.trim().length > 200) errors.name = "Name must be at most 200 characters";
  if (values.minMatchConfidence < 0 || values.minMatchConfidence > 1) errors.minMatchConfidence = "Between 0 and 1";
  if (values.skipRecentlySyncedHours < 0 || values.skipRecentlySyncedHours > MAX_SKIP_HOURS) {
    errors.skipRecentlySyncedHours = `Between 0 and ${MAX_SKIP_HOURS}`;
  }
  return errors;
}
