import type { JsonValue } from "../api/types";

/** How a before/after value is shown (web-ui §3.8.6), decided without React so it can be tested. */
export type ValueView =
  | { kind: "empty" }
  | { kind: "text"; text: string; truncated: boolean; full: string }
  | { kind: "list"; items: string[] }
  | { kind: "cover"; url: string }
  | { kind: "json"; text: string };

export const MAX_TEXT_CHARS = 300;

type JsonObject = { [key: string]: JsonValue };

function isObject(value: JsonValue): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isRating(value: JsonValue): value is JsonObject {
  return isObject(value) && typeof value.score === "number" && typeof value.source === "string";
}

/** "87 / 100 · 1,234 votes · anilist". */
export function formatRating(value: JsonObject): string {
  const parts = [`${String(value.score)} / 100`];
  if (typeof value.voteCount === "number") parts.push(`${value.voteCount.toLocaleString("en-US")} votes`);
  parts.push(String(value.source));
  return parts.join(" · ");
}

function isAuthor(value: JsonValue): value is JsonObject {
  return isObject(value) && typeof value.name === "string";
}

function listItemText(item: JsonValue): string {
  if (typeof item === "string" || typeof item === "number") return String(item);
  if (isRating(item)) return formatRating(item);
  if (isAuthor(item)) return item.role ? `${String(item.name)} (${String(item.role)})` : String(item.name);
  if (isObject(item) && typeof item.title === "string") {
    return item.label ? `${String(item.title)} (${String(item.label)})` : item.title;
  }
  if (isObject(item) && typeof item.externalId === "string") return `${String(item.source)}: ${item.externalId}`;
  if (isObject(item) && typeof item.url === "string") return item.url;
  return JSON.stringify(item);
}

function isEmpty(value: JsonValue | undefined): boolean {
  return value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
}

export function describeValue(value: JsonValue | undefined, field?: string): ValueView {
  if (value === undefined || isEmpty(value)) return { kind: "empty" };
  if (field === "coverUrl" && typeof value === "string") return { kind: "cover", url: value };
  if (typeof value === "string") {
    const truncated = value.length > MAX_TEXT_CHARS;
    return { kind: "text", text: truncated ? value.slice(0, MAX_TEXT_CHARS) : value, truncated, full: value };
  }
  if (typeof value === "number" || typeof value === "boolean") {
    const text = String(value);
    return { kind: "text", text, truncated: false, full: text };
  }
  if (Array.isArray(value)) return { kind: "list", items: value.map(listItemText) };
  if (isRating(value)) {
    const text = formatRating(value);
    return { kind: "text", text, truncated: false, full: text };
  }
  return { kind: "json", text: JSON.stringify(value) };
}
