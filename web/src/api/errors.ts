import type { ErrorBody, FieldErrorBody, Uuid } from "./types";

/** A failed API call, built from the server's error body (platform §0) or from a network failure. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors: FieldErrorBody[];
  readonly taskId: Uuid | undefined;
  readonly runId: Uuid | undefined;
  readonly requiredPermission: string | undefined;
  readonly retryAfterS: number | undefined;

  constructor(
    status: number,
    body: ErrorBody,
    { retryAfterS }: { retryAfterS?: number | undefined } = {},
  ) {
    super(body.message);
    this.name = "ApiError";
    this.status = status;
    this.code = body.error;
    this.errors = body.errors ?? [];
    this.taskId = body.taskId;
    this.runId = body.runId;
    this.requiredPermission = body.requiredPermission;
    this.retryAfterS = retryAfterS;
  }

  get isNetwork(): boolean {
    return this.code === "network";
  }
}

export const NETWORK_MESSAGE = "Can't reach the server";

export function networkError(): ApiError {
  return new ApiError(0, { error: "network", message: NETWORK_MESSAGE });
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.error === "string" && typeof record.message === "string";
}

function parseRetryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) ? seconds : undefined;
}

/** Turn a non-2xx response and its decoded body into an ApiError; a body outside the contract still yields one. */
export function errorFromResponse(response: Response, body: unknown): ApiError {
  const retryAfterS = parseRetryAfter(response.headers.get("Retry-After"));
  if (isErrorBody(body)) return new ApiError(response.status, body, { retryAfterS });
  const message = response.statusText || `Request failed with status ${response.status}`;
  return new ApiError(response.status, { error: "http_error", message }, { retryAfterS });
}

/** An aborted request (a cancelled query or preview) is not a network failure. */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === "AbortError";
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

declare module "@tanstack/react-query" {
  interface Register {
    defaultError: ApiError;
  }
}
