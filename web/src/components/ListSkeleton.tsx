import { Skeleton, Stack } from "@mantine/core";

/** Placeholder rows shaped like a list while it loads. */
export function ListSkeleton({ rows = 4, height = 48 }: { rows?: number; height?: number }) {
  return (
    <Stack gap="xs" aria-busy="true" aria-label="Loading">
      {Array.from({ length: rows }, (_, index) => (
        <Skeleton key={index} height={height} radius="sm" />
      ))}
    </Stack>
  );
}
