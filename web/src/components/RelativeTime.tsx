import { Tooltip } from "@mantine/core";
import { formatDateTime, formatRelative } from "./timeFormat";

/** A relative time with the absolute one in a tooltip. */
export function RelativeTime({ value }: { value: string | null | undefined }) {
  if (!value) return <span>—</span>;
  return (
    <Tooltip label={formatDateTime(value)}>
      <time dateTime={value}>{formatRelative(value)}</time>
    </Tooltip>
  );
}
