import { Badge } from "@mantine/core";
import { useLiveStatus } from "../live/liveStore";

const LABELS = {
  connecting: { label: "Connecting…", color: "gray" },
  live: { label: "Live", color: "green" },
  reconnecting: { label: "Reconnecting…", color: "yellow" },
  offline: { label: "Offline", color: "red" },
} as const;

/** Header indicator of the event streams (web-ui §5.5). */
export function LiveIndicator() {
  const status = useLiveStatus();
  const { label, color } = LABELS[status];
  return (
    <Badge variant="dot" color={color} role="status" aria-live="polite">
      {label}
    </Badge>
  );
}
