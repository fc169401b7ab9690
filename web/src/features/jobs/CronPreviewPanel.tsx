import { Code, List, Paper, Stack, Text } from "@mantine/core";
import type { CronPreview } from "../../api/types";
import { formatZonedDateTime } from "../../components/timeFormat";

/** Server description, the next five runs in the returned zone, and the normalised form. */
export function CronPreviewPanel({ preview, typed, dimmed }: { preview: CronPreview | undefined; typed: string; dimmed: boolean }) {
  if (!preview) return null;
  return (
    <Paper withBorder p="sm" opacity={dimmed ? 0.6 : 1} aria-busy={dimmed} data-testid="cron-preview">
      <Stack gap={4}>
        <Text fw={500}>{preview.description}</Text>
        <List size="sm" aria-label="Next runs">
          {preview.nextRuns.map((run) => (
            <List.Item key={run}>{formatZonedDateTime(run, preview.timezone)}</List.Item>
          ))}
        </List>
        {preview.expression !== typed.trim() ? (
          <Text size="sm">
            Will be saved as <Code>{preview.expression}</Code>
          </Text>
        ) : null}
      </Stack>
    </Paper>
  );
}
