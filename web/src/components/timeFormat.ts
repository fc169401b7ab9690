/** Date and time rendering with Intl only (web-ui §1.1): no date library. */

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

const relativeFormat = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** "in 5 hours", "3 minutes ago"; `now` is passed in so callers and tests control the clock. */
export function formatRelative(instant: string | Date, now: Date = new Date()): string {
  const at = typeof instant === "string" ? new Date(instant) : instant;
  const deltaS = Math.round((at.getTime() - now.getTime()) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(deltaS) >= size || unit === "second") {
      return relativeFormat.format(Math.round(deltaS / size), unit);
    }
  }
  return relativeFormat.format(0, "second");
}

/** "Sun 7 Jun 2026, 04:00 CEST" in an explicit zone (web-ui §3.7.2). */
export function formatZonedDateTime(instant: string | Date, timeZone: string | undefined): string {
  const at = typeof instant === "string" ? new Date(instant) : instant;
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
    timeZoneName: "short",
  }).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((part) => part.type === type)?.value ?? "";
  return `${get("weekday")} ${get("day")} ${get("month")} ${get("year")}, ${get("hour")}:${get("minute")} ${get("timeZoneName")}`;
}

/** Local date and time for tables ("7 Jun 2026, 04:00"). */
export function formatDateTime(instant: string | Date): string {
  const at = typeof instant === "string" ? new Date(instant) : instant;
  return new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short" }).format(at);
}

/** "4 s", "2 min 5 s", "1 h 3 min". */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function secondsBetween(start: string, end: string | Date): number {
  const endMs = typeof end === "string" ? new Date(end).getTime() : end.getTime();
  return (endMs - new Date(start).getTime()) / 1000;
}
