/**
 * Wire types of the Colophon API, aliased from the generated `schema.d.ts` (`npm run gen:api`).
 *
 * The server publishes closed sets as enums and fixed structures (task progress, run and
 * revert summaries, the health body) as schemas. Where it still publishes an untyped `dict`
 * for a structure the specs fix (job config, plugin manifest, search preview), the alias
 * narrows that one property and keeps the rest generated.
 */
import type { components } from "./schema";

type Schemas = components["schemas"];

export type Uuid = string;
/** RFC 3339 instant with `Z` and milliseconds. */
export type Instant = string;
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

// ── errors (platform §0) ───────────────────────────────────────────────────────────────
export type FieldErrorBody = Schemas["FieldErrorBody"];
/**
 * The error body (`ErrorBody`, published with an open set of extra keys) with the extras the
 * specs name: 409 `taskId` / `runId`, 403 `requiredPermission`.
 */
export interface ErrorBody {
  error: Schemas["ErrorBody"]["error"];
  message: Schemas["ErrorBody"]["message"];
  errors?: FieldErrorBody[] | null;
  taskId?: Uuid;
  runId?: Uuid;
  requiredPermission?: string;
  requestId?: string;
}

// ── session (platform §5) ──────────────────────────────────────────────────────────────
export type Role = "reader" | "maintainer" | "admin";
export type Me = Schemas["MeDto"];
export type LoginResponse = Schemas["LoginResponse"];
/** `GET /health` when the database answers (platform §9.2); 503 carries `HealthErrorDto`. */
export type Health = Schemas["HealthDto"];

// ── libraries (platform §8.3, web-ui §8) ───────────────────────────────────────────────
export type ScanStatus = NonNullable<Schemas["LibraryDto"]["lastScanStatus"]>;
/** Task progress (platform §3.10). */
export type TaskProgress = Schemas["TaskProgressDto"];
export type ActiveScan = Schemas["ActiveScanDto"];
export type Library = Schemas["LibraryDto"];
export type CreatedLibrary = Schemas["CreatedLibraryDto"];
export type CreateLibrary = Schemas["CreateLibrary"];
export type TaskStarted = Schemas["TaskStartedDto"];

export type SeriesStatus = NonNullable<Schemas["SeriesRowDto"]["status"]>;
export type SeriesMatch = Schemas["MatchDto"];
export type SeriesListItem = Schemas["SeriesRowDto"];
export type SeriesListPage = Schemas["SeriesPage"];
export type SeriesRow = Schemas["SeriesDto"];
export type BookRow = Schemas["BookDto"];

// ── metadata (metadata §7, §8) ─────────────────────────────────────────────────────────
export type EntityType = "series" | "book";
export type ExternalIdRow = Schemas["ExternalIdDto"];
export type ExternalRatingRow = Schemas["ExternalRatingDto"];
export type SeriesMetadata = Schemas["SeriesMetadataDto"];
export type BookMetadata = Schemas["BookMetadataDto"];
/** Either entity's metadata, read field by field through the catalogue (metadata §7). */
export type EntityMetadata = { [field: string]: unknown } & {
  locks: Record<string, boolean>;
  externalIds: ExternalIdRow[];
  externalRatings?: ExternalRatingRow[];
  updatedAt: Instant;
};
export type MetadataChange = Omit<Schemas["MetadataChangeDto"], "before" | "after"> & {
  before: JsonValue;
  after: JsonValue;
};
/** The `preview` object of a search result (metadata §8.2): published as an untyped object. */
export interface SearchResultPreview {
  status?: string;
  genres?: string[];
  description?: string;
  format?: string;
}
export type SearchResult = Omit<Schemas["SearchResultDto"], "preview"> & { preview: SearchResultPreview | null };
export type SearchResponse = Omit<Schemas["SearchResponse"], "results"> & { results: SearchResult[] };
export type PreviewFieldStatus = Schemas["PreviewField"]["status"];
export type PreviewField = Omit<Schemas["PreviewField"], "currentValue" | "proposedValue"> & {
  currentValue: JsonValue;
  proposedValue: JsonValue;
};
export type FetchPreviewResponse = Omit<Schemas["PreviewResponse"], "fields"> & { fields: PreviewField[] };
export type ApplyResponse = Schemas["ApplyResponse"];
export type AutoMatchReason = NonNullable<Schemas["AutoMatchResponse"]["reason"]>;
export type AutoMatchResponse = Omit<Schemas["AutoMatchResponse"], "candidate"> & {
  candidate?: SearchResult | null;
};
export type CoverRow = Schemas["CoverDto"];

// ── plugins (plugins §7, library-jobs API-6) ───────────────────────────────────────────
export type HealthStatus = Schemas["PluginHealthDto"]["status"];
export type ProviderSide = "series" | "book";
export type PluginCapabilities = Partial<Omit<Schemas["PluginCapabilities"], "metadataProvider">> & {
  metadataProvider: ProviderSide[];
};
export type PluginAction = Omit<Schemas["PluginAction"], "capabilities"> & {
  capabilities: PluginCapabilities;
};
export type PluginActionsResponse = Omit<Schemas["PluginActions"], "actions"> & { actions: PluginAction[] };
/** One field of a manifest's `configSchema` (plugins §2): the manifest is published untyped. */
export interface ConfigSchemaField {
  key: string;
  label: string;
  description?: string;
  type: "text" | "number" | "boolean" | "select" | string;
  required?: boolean;
  default?: JsonValue;
  options?: (string | { value: string; label?: string })[];
}
export interface RequiredCredential {
  key: string;
  label: string;
  description?: string;
  required?: boolean;
  sensitive?: boolean;
}
export interface PluginManifest {
  name: string;
  displayName: string;
  version: string;
  capabilities: PluginCapabilities;
  requiredCredentials?: RequiredCredential[];
  configSchema?: { description?: string; fields: ConfigSchemaField[] } | null;
}
export type CredentialDelivery = Schemas["PluginDto"]["credentialDelivery"];
export type Plugin = Omit<Schemas["PluginDto"], "manifest" | "adminConfig"> & {
  manifest: PluginManifest | null;
  adminConfig: Record<string, JsonValue>;
};
export type CreatePlugin = Schemas["CreatePlugin"];
export type UpdatePlugin = Schemas["UpdatePlugin"];
export type PluginPreset = Omit<Schemas["PluginPreset"], "adminConfig"> & { adminConfig: Record<string, JsonValue> };
export type PluginTestResult = Omit<Schemas["PluginTestResult"], "manifest" | "contentTypes"> & {
  manifest: PluginManifest | null;
  contentTypes: ProviderSide[];
};

// ── jobs (library-jobs §3, §8, §9, §10) ────────────────────────────────────────────────
export type MetadataRefreshConfigIn = Schemas["MetadataRefreshConfigIn"];
export type JobScope = NonNullable<MetadataRefreshConfigIn["scope"]>;
export type RunStatus = Schemas["RunDto"]["status"];
export type LastRunStatus = NonNullable<Schemas["LibraryJobDto"]["lastRunStatus"]>;
/** A stored job config: every field present (the server fills defaults on write). */
export type MetadataRefreshConfig = Required<MetadataRefreshConfigIn>;
export type ActiveRun = Schemas["ActiveRunDto"];
export type LibraryJob = Omit<Schemas["LibraryJobDto"], "config"> & {
  config: MetadataRefreshConfig | null;
};
export type CreateJob = Schemas["CreateJob"];
export type PatchJob = Schemas["PatchJob"];
export type RunStarted = Schemas["RunStartedDto"];
export type CronPreview = Schemas["CronPreviewDto"];
export type FieldGroup = Schemas["FieldGroupDto"];

export type DryRunItemStatus = Schemas["DryRunItemDto"]["status"];
export type DryRunChange = Omit<Schemas["FieldChangeDto"], "before" | "after"> & { before: JsonValue; after: JsonValue };
export type DryRunItem = Omit<Schemas["DryRunItemDto"], "changes" | "unchanged" | "skipped"> & {
  changes: DryRunChange[];
  unchanged: string[];
  skipped: Schemas["SkippedFieldDto"][];
};
export type DryRunSkippedItem = Schemas["SkippedItemDto"];
export type PlanFailure = "invalid_provider" | "plugin_missing" | "plugin_disabled" | "scope_not_supported";
export type DryRunResponse = Omit<Schemas["DryRunDto"], "config" | "sample"> & {
  config: MetadataRefreshConfig;
  sample: DryRunItem[];
};
export type UnsavedDryRun = Schemas["UnsavedDryRun"];
export type SavedDryRun = Schemas["SavedDryRun"];
/** A run's `summary` (library-jobs §7.5). */
export type RunSummary = Schemas["RunSummaryDto"];
/** A run's `revertSummary` (library-jobs REV-3). */
export type RevertSummary = Schemas["RevertSummaryDto"];
export type JobRun = Schemas["RunDto"];
export type RunPage = Page<JobRun>;
export type RunChange = Omit<Schemas["colophon__jobs__schemas__ChangeDto"], "before" | "after"> & {
  before: JsonValue;
  after: JsonValue;
};
export type JobRunDetail = Omit<Schemas["RunDetailDto"], "changes"> & { changes: Page<RunChange> };

// ── tasks (platform §3.11) ─────────────────────────────────────────────────────────────
export type TaskStatus = Schemas["TaskDto"]["status"];
export type Task = Omit<Schemas["TaskDto"], "params" | "result"> & {
  params: Record<string, JsonValue>;
  result: JsonValue;
};
export type TaskPage = Omit<Schemas["Page_TaskDto_"], "items"> & { items: Task[] };
export type TaskCounts = Record<TaskStatus, number>;
export type TaskStats = Omit<Schemas["TaskStats"], "counts"> & { counts: Partial<TaskCounts> };
export type TaskActionResponse = Omit<Schemas["TaskActionResult"], "task"> & { task: Task };

// ── API keys (platform §5.3) ───────────────────────────────────────────────────────────
export type ApiKey = Schemas["ApiKeyDto"];
export type CreatedApiKey = Schemas["CreatedApiKeyDto"];
export type CreateApiKey = Schemas["CreateApiKeyRequest"];
