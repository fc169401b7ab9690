/**
 * Wire types of the Colophon API, aliased from the generated `schema.d.ts` (`npm run gen:api`).
 *
 * Where the server publishes a plain `string` for a closed set, or an untyped `dict` for a
 * structure the specs fix (task progress, job config, run summary, plugin manifest), the alias
 * narrows that one property and keeps the rest generated. The health body has no published
 * schema and is written from platform §8.1.
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
/** `GET /health`: published without a schema. */
export interface Health {
  status: string;
  version: string;
  setup: { adminExists: boolean };
}

// ── libraries (platform §8.3, web-ui §8) ───────────────────────────────────────────────
export type ScanStatus = "completed" | "failed" | "cancelled";
/** Task progress (platform §3): published as an untyped object. */
export interface TaskProgress {
  current: number;
  total: number;
  message: string | null;
  counts: Record<string, number> | null;
}
export interface ActiveScan {
  taskId: Uuid;
  progress: TaskProgress | null;
}
export type Library = Omit<Schemas["LibraryDto"], "lastScanStatus" | "activeScan"> & {
  lastScanStatus: ScanStatus | null;
  activeScan: ActiveScan | null;
};
export type CreatedLibrary = Omit<Schemas["CreatedLibraryDto"], "lastScanStatus" | "activeScan"> & {
  lastScanStatus: ScanStatus | null;
  activeScan: ActiveScan | null;
};
export type CreateLibrary = Schemas["CreateLibrary"];
export type TaskStarted = Schemas["TaskStartedDto"];

export type SeriesStatus = "ongoing" | "ended" | "hiatus" | "abandoned" | "unknown";
export type SeriesMatch = Schemas["MatchDto"];
export type SeriesListItem = Omit<Schemas["SeriesRowDto"], "status"> & { status: SeriesStatus | null };
export type SeriesListPage = Omit<Schemas["SeriesPage"], "items"> & { items: SeriesListItem[] };
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
export type AutoMatchReason = "no_match_candidate" | "low_confidence";
export type AutoMatchResponse = Omit<Schemas["AutoMatchResponse"], "candidate" | "reason"> & {
  candidate?: SearchResult | null;
  reason?: AutoMatchReason | null;
};
export type CoverRow = Schemas["CoverDto"];

// ── plugins (plugins §7, library-jobs API-6) ───────────────────────────────────────────
export type HealthStatus = "healthy" | "degraded" | "unhealthy" | "disabled" | "unknown";
export type ProviderSide = "series" | "book";
export type PluginCapabilities = Partial<Omit<Schemas["PluginCapabilities"], "metadataProvider">> & {
  metadataProvider: ProviderSide[];
};
export type PluginAction = Omit<Schemas["PluginAction"], "healthStatus" | "capabilities"> & {
  healthStatus: HealthStatus;
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
export type CredentialDelivery = "init_message" | "env" | "both";
export type Plugin = Omit<Schemas["PluginDto"], "manifest" | "credentialDelivery" | "health" | "adminConfig"> & {
  manifest: PluginManifest | null;
  credentialDelivery: CredentialDelivery;
  adminConfig: Record<string, JsonValue>;
  health: Omit<Schemas["PluginHealthDto"], "status"> & { status: HealthStatus };
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
export type RunStatus = "pending" | "running" | "success" | "partial" | "failure" | "cancelled";
export type LastRunStatus = "success" | "partial" | "failure" | "cancelled";
/** A stored job config: every field present (the server fills defaults on write). */
export type MetadataRefreshConfig = Required<MetadataRefreshConfigIn>;
export type ActiveRun = Omit<Schemas["ActiveRunDto"], "status"> & { status: "pending" | "running" };
export type LibraryJob = Omit<Schemas["LibraryJobDto"], "config" | "lastRunStatus" | "activeRun"> & {
  config: MetadataRefreshConfig | null;
  lastRunStatus: LastRunStatus | null;
  activeRun: ActiveRun | null;
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
/** A run's `summary` (library-jobs §9.2): published as an untyped object. */
export interface RunSummary {
  planned: number;
  succeeded: number;
  failed: number;
  skipped: {
    noExternalId: number;
    recentlySynced: number;
    noMatchCandidate: number;
    lowConfidence: number;
  };
  notProcessed: number;
  itemsChanged: number;
  fieldsChanged: number;
  rateLimitRetries: number;
  planFailure: string | null;
  errors: { entityType: EntityType; entityId: Uuid; name: string; message: string }[];
}
/** A run's `revertSummary` (library-jobs §10.3): published as an untyped object. */
export interface RevertSummary {
  restored: number;
  skipped: number;
  failed: number;
  skippedByReason: Record<string, number>;
  skippedItems: { entityType: EntityType; entityId: Uuid; field: string; reason: string; message: string }[];
}
type RunNarrowing = { status: RunStatus; summary: RunSummary | null; revertSummary: RevertSummary | null };
export type JobRun = Omit<Schemas["RunDto"], keyof RunNarrowing> & RunNarrowing;
export type RunPage = Page<JobRun>;
export type RunChange = Omit<Schemas["colophon__jobs__schemas__ChangeDto"], "before" | "after" | "entityType"> & {
  entityType: EntityType;
  before: JsonValue;
  after: JsonValue;
};
export type JobRunDetail = Omit<Schemas["RunDetailDto"], keyof RunNarrowing | "changes"> &
  RunNarrowing & { changes: Page<RunChange> };

// ── tasks (platform §3.11) ─────────────────────────────────────────────────────────────
export type TaskStatus = "pending" | "processing" | "completed" | "failed" | "cancelled";
export type Task = Omit<Schemas["TaskDto"], "status" | "progress" | "params" | "result"> & {
  status: TaskStatus;
  progress: TaskProgress | null;
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
