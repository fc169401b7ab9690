/** Timezone options: every IANA zone the browser knows, plus UTC (web-ui §3.7.3). */
export const SERVER_DEFAULT_ZONE = "__server_default__";

export function timezoneNames(): string[] {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return zones.includes("UTC") ? zones : ["UTC", ...zones];
}

export function timezoneOptions(serverDefault: string | null): { value: string; label: string }[] {
  const defaultLabel = serverDefault ? `Server default (${serverDefault})` : "Server default";
  return [{ value: SERVER_DEFAULT_ZONE, label: defaultLabel }, ...timezoneNames().map((zone) => ({ value: zone, label: zone }))];
}

export function zoneFromOption(value: string | null): string | null {
  return !value || value === SERVER_DEFAULT_ZONE ? null : value;
}

export function optionFromZone(zone: string | null): string {
  return zone ?? SERVER_DEFAULT_ZONE;
}
