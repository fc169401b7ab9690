import type { EntityType } from "../../api/types";

/** How a metadata row is edited inline (web-ui §3.4.3). */
export type EditorKind = "text" | "textarea" | "number" | "status" | "direction" | "tags" | "alternateTitles" | "authors";

export interface MetadataFieldDef {
  key: string;
  label: string;
  editor: EditorKind;
  /** Lock key; the field key unless it has none. */
  lockKey: string | null;
}

const field = (key: string, label: string, editor: EditorKind = "text", lockKey: string | null = key): MetadataFieldDef => ({ key, label, editor, lockKey });

/** Series rows in the order of web-ui §3.4.3. */
export const SERIES_FIELDS: MetadataFieldDef[] = [
  field("title", "Title"),
  field("titleSort", "Sort title"),
  field("alternateTitles", "Alternate titles", "alternateTitles"),
  field("summary", "Summary", "textarea"),
  field("status", "Status", "status"),
  field("year", "Year", "number"),
  field("publisher", "Publisher"),
  field("imprint", "Imprint"),
  field("language", "Language"),
  field("readingDirection", "Reading direction", "direction"),
  field("ageRating", "Age rating", "number"),
  field("totalVolumeCount", "Total volumes", "number"),
  field("totalChapterCount", "Total chapters", "number"),
  field("genres", "Genres", "tags"),
  field("tags", "Tags", "tags"),
  field("authors", "Authors", "authors"),
];

/** Book rows in the order of web-ui §3.5. */
export const BOOK_FIELDS: MetadataFieldDef[] = [
  field("title", "Title"),
  field("subtitle", "Subtitle"),
  field("summary", "Summary", "textarea"),
  field("number", "Number"),
  field("volume", "Volume", "number"),
  field("chapter", "Chapter", "number"),
  field("year", "Year", "number"),
  field("publisher", "Publisher"),
  field("language", "Language"),
  field("isbns", "ISBNs", "tags"),
  field("authors", "Authors", "authors"),
  field("translator", "Translator"),
  field("edition", "Edition"),
  field("originalTitle", "Original title"),
  field("originalYear", "Original year", "number"),
  field("seriesPosition", "Series position", "number"),
  field("seriesTotal", "Series total", "number"),
  field("bookType", "Book type"),
  field("subjects", "Subjects", "tags"),
  field("awards", "Awards", "tags", "awards"),
  field("genres", "Genres", "tags"),
  field("tags", "Tags", "tags"),
];

export function fieldsFor(entity: EntityType): MetadataFieldDef[] {
  return entity === "series" ? SERIES_FIELDS : BOOK_FIELDS;
}

export const STATUS_OPTIONS = ["ongoing", "ended", "hiatus", "abandoned", "unknown"];
export const DIRECTION_OPTIONS = ["ltr", "rtl", "ttb", "webtoon"];

/** `/series/{id}` or `/books/{id}`: the base of every metadata route of an entity. */
export function entityBase(entity: EntityType, id: string): string {
  return entity === "series" ? `/series/${id}` : `/books/${id}`;
}

/** An inline edit's value as the PATCH body wants it: blank text and numbers become null. */
export function editedValueForPatch(editor: EditorKind, value: unknown): unknown {
  if (editor === "number") {
    if (value === "" || value === null || value === undefined) return null;
    return typeof value === "number" ? value : Number(value);
  }
  if (editor === "text" || editor === "textarea" || editor === "status" || editor === "direction") {
    return typeof value === "string" && value.trim() === "" ? null : value;
  }
  return value;
}
