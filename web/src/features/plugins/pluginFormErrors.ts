import type { ApiError } from "../../api/errors";

/** Server `errors[].field` of the plugin API onto the drawer's inputs, by field name. */
export function pluginFieldErrors(error: ApiError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const fieldError of error.errors) {
    const field = fieldError.field.split(/[.[]/)[0] ?? fieldError.field;
    errors[field] ??= fieldError.message;
  }
  if (error.errors.length === 0) errors.form = error.message;
  return errors;
}
