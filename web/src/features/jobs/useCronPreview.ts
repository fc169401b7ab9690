import { useDebouncedValue } from "@mantine/hooks";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { isApiError } from "../../api/errors";
import { cronPreviewQuery } from "./queries";

export const CRON_PREVIEW_DEBOUNCE_MS = 300;
const PREVIEW_RUNS = 5;

/** Which input a cron-preview 400 belongs under (VAL-2 vs VAL-3 messages). */
export function cronPreviewErrorTarget(message: string): "cronExpression" | "timezone" {
  return message.startsWith("invalid timezone") ? "timezone" : "cronExpression";
}

/**
 * Server-side description and next runs, asked once typing pauses for 300 ms; responses for older
 * input never replace newer ones because each input has its own query key (web-ui §3.7.2).
 */
export function useCronPreview(expression: string, timezone: string | null) {
  const [debounced] = useDebouncedValue({ expression: expression.trim(), timezone }, CRON_PREVIEW_DEBOUNCE_MS);
  const query = useQuery({
    ...cronPreviewQuery(debounced.expression, debounced.timezone, PREVIEW_RUNS),
    enabled: debounced.expression !== "",
    placeholderData: keepPreviousData,
  });
  const error = isApiError(query.error) && query.error.status === 400 ? query.error.message : null;
  return {
    preview: query.isError ? undefined : query.data,
    isStale: query.isPlaceholderData || query.isFetching,
    error,
    errorTarget: error ? cronPreviewErrorTarget(error) : null,
    emptyExpression: expression.trim() === "",
  };
}
