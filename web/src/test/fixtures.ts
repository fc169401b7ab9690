import type { FieldGroup, LibraryJob, Library, Me, PluginAction } from "../api/types";

export const SERIES_GROUPS: FieldGroup[] = [
  { id: "identifiers", label: "Identifiers", fields: ["title", "titleSort", "alternateTitles"] },
  { id: "descriptive", label: "Descriptive", fields: ["summary", "authors"] },
  { id: "status", label: "Status", fields: ["status", "year"] },
  { id: "counts", label: "Counts", fields: ["totalVolumeCount", "totalChapterCount"] },
  { id: "ratings", label: "Ratings", fields: ["rating", "externalRatings"] },
  { id: "cover", label: "Cover", fields: ["coverUrl"] },
  { id: "tags", label: "Tags", fields: ["tags"] },
  { id: "genres", label: "Genres", fields: ["genres"] },
  { id: "age_rating", label: "Age rating", fields: ["ageRating"] },
  { id: "classification", label: "Classification", fields: ["language", "readingDirection"] },
  { id: "publisher", label: "Publisher", fields: ["publisher"] },
  { id: "external_refs", label: "External refs", fields: ["externalIds", "externalLinks"] },
];

export const BOOK_GROUPS: FieldGroup[] = [
  { id: "identifiers", label: "Identifiers", fields: ["title", "titleSort", "subtitle", "originalTitle"] },
  { id: "descriptive", label: "Descriptive", fields: ["summary", "authors", "translator"] },
  { id: "numbering", label: "Numbering", fields: ["volume", "chapter", "seriesPosition", "seriesTotal"] },
  { id: "publication", label: "Publication", fields: ["publisher", "year", "originalYear", "edition"] },
  { id: "isbn", label: "ISBN", fields: ["isbns"] },
  { id: "subjects", label: "Subjects & awards", fields: ["subjects", "awards"] },
  { id: "genres", label: "Genres", fields: ["genres"] },
  { id: "tags", label: "Tags", fields: ["tags"] },
  { id: "classification", label: "Classification", fields: ["bookType", "language"] },
  { id: "cover", label: "Cover", fields: ["coverUrl"] },
  { id: "external_refs", label: "External refs", fields: ["externalIds"] },
];

export const LIBRARY_ID = "11111111-1111-4111-8111-111111111111";

export function action(name: string, displayName: string, sides: ("series" | "book")[]): PluginAction {
  return {
    pluginId: `id-${name}`,
    pluginName: name,
    pluginDisplayName: displayName,
    label: `Fetch from ${displayName}`,
    description: null,
    libraryIds: [],
    searchUriTemplate: null,
    healthStatus: "healthy",
    capabilities: { metadataProvider: sides },
  };
}

export const ECHO = action("echo", "Echo (demo)", ["series"]);
export const OPENLIBRARY = action("openlibrary", "Open Library", ["book"]);
export const BOTH = action("both", "Both Sides", ["series", "book"]);

export const MAINTAINER: Me = {
  id: "u1",
  username: "maria",
  role: "maintainer",
  permissions: ["libraries:read", "libraries:write", "series:read", "series:write", "books:read", "books:write", "tasks:read", "tasks:write", "apikeys:own"],
  authMethod: "session",
};

export const READER: Me = {
  id: "u2",
  username: "rita",
  role: "reader",
  permissions: ["libraries:read", "series:read", "books:read", "apikeys:own"],
  authMethod: "session",
};

export const LIBRARY: Library = {
  id: LIBRARY_ID,
  name: "Manga",
  rootPath: "/srv/manga",
  seriesCount: 3,
  bookCount: 6,
  jobCount: 1,
  lastScanAt: null,
  lastScanStatus: null,
  activeScan: null,
  createdAt: "2026-06-01T00:00:00.000Z",
  updatedAt: "2026-06-01T00:00:00.000Z",
};

export function job(overrides: Partial<LibraryJob> = {}): LibraryJob {
  return {
    id: "22222222-2222-4222-8222-222222222222",
    libraryId: LIBRARY_ID,
    name: "Nightly ratings",
    enabled: true,
    cronSchedule: "0 4 * * *",
    timezone: null,
    effectiveTimezone: "UTC",
    config: {
      type: "metadata_refresh",
      provider: "plugin:echo",
      scope: "series_only",
      fieldGroups: ["ratings", "status", "counts"],
      extraFields: [],
      bookFieldGroups: [],
      bookExtraFields: [],
      existingSourceIdsOnly: true,
      skipRecentlySyncedWithinS: 3600,
      minMatchConfidence: 0.8,
      maxConcurrency: 4,
    },
    nextRunAt: "2026-06-07T04:00:00.000Z",
    lastRunAt: null,
    lastRunStatus: null,
    lastRunMessage: null,
    activeRun: null,
    createdAt: "2026-06-01T00:00:00.000Z",
    updatedAt: "2026-06-01T00:00:00.000Z",
    ...overrides,
  };
}
