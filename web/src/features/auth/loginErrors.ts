import { isApiError } from "../../api/errors";

/** Login error texts of web-ui §3.1. */
export function loginErrorMessage(error: unknown): string {
  if (!isApiError(error)) return "Something went wrong.";
  if (error.isNetwork) return "Can't reach the server.";
  if (error.status === 401) return "Invalid username or password.";
  if (error.status === 429) {
    const minutes = Math.max(1, Math.ceil((error.retryAfterS ?? 60) / 60));
    return `Too many attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
  }
  return error.message;
}
