import { QueryClient } from "@tanstack/react-query";
import { isApiError } from "../api/errors";

const STALE_TIME_MS = 30_000;

/** Retry once on network or 5xx errors; a 4xx answer will not change by asking again (web-ui §1.4). */
export function shouldRetryQuery(failureCount: number, error: unknown): boolean {
  if (failureCount >= 1) return false;
  if (!isApiError(error)) return true;
  return error.isNetwork || error.status >= 500;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: STALE_TIME_MS, refetchOnWindowFocus: true, retry: shouldRetryQuery },
      mutations: { retry: false },
    },
  });
}
