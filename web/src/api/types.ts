/**
 * Wire types of the Colophon API (camelCase), written by hand from the specs until
 * `npm run gen:api` produces `schema.d.ts`. Each alias is named like the server's DTO so
 * that it can become `components["schemas"]["<Name>"]` without touching callers.
 */

export type Uuid = string;
/** RFC 3339 instant with `Z` and milliseconds. */
export type Instant = string;
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

// ── errors (platform §0) ───────────────────────────────────────────────────────────────
export interface FieldErrorBody {
  field: string;
  message: string;
}
export interface ErrorBody {
  error: string;
  message: string;
  errors?: FieldErrorBody[];
  taskId?: Uuid;
  runId?: Uuid;
  requiredPermission?: string;
  requestId?: string;
}

// ── session (platform §5) ──────────────────────────────────────────────────────────────
export type Role = "reader" | "maintainer" | "admin";
export interface Me {
  id: Uuid;
  username: string;
  role: Role;
  permissions: string[];
  authMethod: string;
}
export interface LoginResponse {
  user: Me;
}
export interface Health {
  status: string;
  version: string;
  setup: { adminExists: boolean };
}

// ── libraries (platform §8.3, web-ui §8) ───────────────────────────────────────────────
export type ScanStatus = "completed" | "failed" | "cancelled";
export interface TaskProgress {
  current: number;
  total: number;
  message: string | null;
  counts: Record<string, number> | null;
}
export interface Library {
  id: Uuid;
  name: string;
  rootPath: string;
  seriesCount: number;
  bookCount: number;
  jobCount: number;
  lastScanAt: Instant | null;
  lastScanStatus: ScanStatus | null;
  activeScan: { taskId: Uuid; progress: TaskProgress | null } | null;
}
export interface CreateLibrary {
  name: string;
  rootPath: string;
  scan: boolean;
}
export interface TaskStarted {
  taskId: Uuid;
}

export type SeriesStatus = "ongoing" | "ended" | "hiatus" | "abandoned" | "unknown";
export interface SeriesMatch {
  pluginName: string;
  externalId: string;
  externalUrl: string | null;
  lastSyncedAt: Instant | null;
}
export interface SeriesListItem {
  id: Uuid;
  title: string;
  status: SeriesStatus | null;
  bookCount: number;
  deleted: boolean;
  updatedAt: Instant;
  lastSyncedAt: Instant | null;
  matches: SeriesMatch[];
}
export interface SeriesListPage extends Page<SeriesListItem> {
  total: number;
}

export interface SeriesRow {
  id: Uuid;
  libraryId: Uuid;
  libraryName: string;
  name: string;
  path: string;
  deleted: boolean;
  bookCount: number;
}
export interface BookRow {
  id: Uuid;
  seriesId: Uuid;
  seriesTitle: string;
  libraryId: Uuid;
  path: string;
  fileName: string;
  format: string;
  fileSize: number;
  pageCount: number | null;
  deleted: boolean;
  number?: string | null;
  title?: string | null;
}

// ── metadata (metadata §7, §8) ─────────────────────────────────────────────────────────
export type EntityType = "series" | "book";
export interface Author {
  name: string;
  role: string;
  sortName?: string | null;
}
export interface AlternateTitle {
  label: string;
  title: string;
}
export interface ExternalIdRow {
  source: string;
  externalId: string;
  externalUrl: string | null;
  lastSyncedAt: Instant | null;
}
export interface ExternalRatingRow {
  source: string;
  score: number;
  voteCount: number | null;
  fetchedAt: Instant | null;
}
/** `GET /series/{id}/metadata` and the book twin: field values keyed by field key. */
export type EntityMetadata = { [field: string]: unknown } & {
  locks: Record<string, boolean>;
  externalIds: ExternalIdRow[];
  externalRatings?: ExternalRatingRow[];
  updatedAt: Instant;
};
export interface MetadataChange {
  id: number | string;
  field: string;
  before: JsonValue;
  after: JsonValue;
  source: string;
  runId: Uuid | null;
  jobId: Uuid | null;
  jobName: string | null;
  userName: string | null;
  createdAt: Instant;
}
export interface SearchResult {
  externalId: string;
  title: string;
  alternateTitles: string[];
  year: number | null;
  coverUrl: string | null;
  relevanceScore: number | null;
  preview: {
    status?: string;
    genres?: string[];
    description?: string;
    format?: string;
  } | null;
}
export interface SearchResponse {
  pluginId: Uuid;
  query: string | null;
  results: SearchResult[];
  nextCursor: string | null;
}
export type PreviewFieldStatus =
  | "will_apply"
  | "unchanged"
  | "locked"
  | "no_permission"
  | "invalid"
  | "not_provided";
export interface PreviewField {
  field: string;
  status: PreviewFieldStatus;
  currentValue: JsonValue;
  proposedValue: JsonValue;
  reason: string | null;
}
export interface FetchPreviewResponse {
  pluginId: Uuid;
  externalId: string;
  externalUrl: string | null;
  fields: PreviewField[];
}
export interface ApplyResponse {
  pluginId: Uuid;
  externalId: string;
  externalUrl: string | null;
  dryRun: boolean;
  applied: string[];
  unchanged: string[];
  skipped: { field: string; reason: string }[];
}
export interface AutoMatchResponse {
  matched: boolean;
  reason?: "no_match_candidate" | "low_confidence";
  query: string | null;
  candidate?: SearchResult;
  threshold?: number;
  result?: ApplyResponse;
}
export interface CoverRow {
  id: Uuid;
  source: string;
  sourceUrl: string | null;
  isSelected: boolean;
  width: number;
  height: number;
  createdAt: Instant;
}

// ── plugins (plugins §7, library-jobs API-6) ───────────────────────────────────────────
export type HealthStatus = "healthy" | "degraded" | "unhealthy" | "disabled" | "unknown";
export interface PluginCapabilities {
  metadataProvider: ("series" | "book")[];
}
export interface PluginAction {
  pluginId: Uuid;
  pluginName: string;
  pluginDisplayName: string;
  label: string;
  description: string | null;
  libraryIds: Uuid[];
  healthStatus: HealthStatus;
  capabilities: PluginCapabilities;
}
export interface PluginActionsResponse {
  scope: string;
  actions: PluginAction[];
}
export interface ConfigSchemaField {
  key: string;
  label: string;
  description?: string;
  type: "text" | "number" | "boolean" | "select" | string;
  required?: boolean;
  default?: JsonValue;
  options?: string[];
}
export interface PluginManifest {
  name: string;
  displayName: string;
  version: string;
  capabilities: PluginCapabilities;
  requiredCredentials?: { key: string; label: string; description?: string; required: boolean }[];
  configSchema?: { description?: string; fields: ConfigSchemaField[] };
}
export interface Plugin {
  id: Uuid;
  name: string;
  displayName: string;
  description: string | null;
  command: string;
  args: string[];
  env: Record<string, string>;
  workingDir: string | null;
  enabled: boolean;
  adminConfig: Record<string, JsonValue>;
  credentialDelivery: "init_message" | "env" | "both";
  credentialKeys: string[];
  missingCredentials: string[];
  permissions: string[];
  scopes: string[];
  libraryIds: Uuid[];
  rateLimitPerMinute: number;
  requestTimeoutS: number | null;
  logLevel: string | null;
  manifest: PluginManifest | null;
  health: {
    status: HealthStatus;
    consecutiveFailures: number;
    failureCount: number;
    lastError: string | null;
    lastSuccessAt: Instant | null;
    lastFailureAt: Instant | null;
    checkedAt: Instant | null;
  };
  disabledReason: string | null;
  revision: number;
  createdAt: Instant;
  updatedAt: Instant;
}
export interface PluginPreset {
  name: string;
  displayName: string;
  description: string | null;
  command: string;
  args: string[];
  env?: Record<string, string>;
  rateLimitPerMinute?: number;
  adminConfig?: Record<string, JsonValue>;
}
export interface PluginTestResult {
  success: boolean;
  manifest?: PluginManifest | null;
  contentTypes: ("series" | "book")[];
  missingCredentials: string[];
  timings: { spawnMs: number | null; initializeMs: number | null; pingMs: number | null };
  error?: { kind: string; code?: number | null; message: string } | null;
  stderrTail: string[];
}

// ── jobs (library-jobs §3, §8, §9, §10) ────────────────────────────────────────────────
export type JobScope = "series_only" | "books_only" | "series_and_books";
export type RunStatus = "pending" | "running" | "success" | "partial" | "failure" | "cancelled";
export type LastRunStatus = "success" | "partial" | "failure" | "cancelled";
export interface MetadataRefreshConfig {
  type: "metadata_refresh";
  provider: string;
  scope: JobScope;
  fieldGroups: string[];
  extraFields: string[];
  bookFieldGroups: string[];
  bookExtraFields: string[];
  existingSourceIdsOnly: boolean;
  skipRecentlySyncedWithinS: number;
  minMatchConfidence: number;
  maxConcurrency: number;
}
export interface LibraryJob {
  id: Uuid;
  libraryId: Uuid;
  name: string;
  enabled: boolean;
  cronSchedule: string;
  timezone: string | null;
  effectiveTimezone: string;
  config: MetadataRefreshConfig | null;
  nextRunAt: Instant | null;
  lastRunAt: Instant | null;
  lastRunStatus: LastRunStatus | null;
  lastRunMessage: string | null;
  activeRun: { runId: Uuid; taskId: Uuid; status: "pending" | "running" } | null;
  createdAt: Instant;
  updatedAt: Instant;
}
export interface CreateJob {
  name?: string | null;
  enabled: boolean;
  cronSchedule: string;
  timezone: string | null;
  config: MetadataRefreshConfig;
}
export type PatchJob = Partial<Omit<CreateJob, "name">> & { name?: string | null };
export interface RunStarted {
  taskId: Uuid;
  runId: Uuid;
}
export interface CronPreview {
  expression: string;
  timezone: string;
  description: string;
  nextRuns: string[];
}
export interface FieldGroup {
  id: string;
  label: string;
  fields: string[];
}
export type DryRunItemStatus = "would_change" | "no_change" | "skipped" | "error";
export interface DryRunChange {
  field: string;
  before: JsonValue;
  after: JsonValue;
}
export interface DryRunItem {
  entityType: EntityType;
  entityId: Uuid;
  name: string;
  status: DryRunItemStatus;
  externalId?: string | null;
  matchConfidence: number | null;
  changes: DryRunChange[];
  unchanged: string[];
  skipped: { field: string; reason: string }[];
  reason: string | null;
}
export interface DryRunSkippedItem {
  entityType: EntityType;
  entityId: Uuid;
  name: string;
  reason: "no_external_id" | "recently_synced" | string;
  lastSyncedAt: Instant | null;
}
export type PlanFailure =
  | "invalid_provider"
  | "plugin_missing"
  | "plugin_disabled"
  | "scope_not_supported";
export interface DryRunResponse {
  jobId: Uuid | null;
  config: MetadataRefreshConfig;
  totalItems: number;
  totalEligible: number;
  estSkippedNoId: number;
  estSkippedRecentlySynced: number;
  planFailure: PlanFailure | string | null;
  sampleSize: number;
  sample: DryRunItem[];
  skippedSample: DryRunSkippedItem[];
}
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
export interface RevertSummary {
  restored: number;
  skipped: number;
  failed: number;
  skippedByReason: Record<string, number>;
  skippedItems: { entityType: EntityType; entityId: Uuid; field: string; reason: string; message: string }[];
}
export interface JobRun {
  id: Uuid;
  jobId: Uuid;
  libraryId: Uuid;
  taskId: Uuid | null;
  trigger: "schedule" | "manual";
  status: RunStatus;
  createdAt: Instant;
  startedAt: Instant | null;
  finishedAt: Instant | null;
  message: string | null;
  summary: RunSummary | null;
  changeCount: number;
  revertedAt: Instant | null;
  revertSummary: RevertSummary | null;
}
export interface RunChange {
  id: number | string;
  entityType: EntityType;
  entityId: Uuid;
  entityName: string | null;
  field: string;
  before: JsonValue;
  after: JsonValue;
  source: string;
  createdAt: Instant;
}
export interface JobRunDetail extends JobRun {
  changes: Page<RunChange>;
}

// ── tasks (platform §3.11) ─────────────────────────────────────────────────────────────
export type TaskStatus = "pending" | "processing" | "completed" | "failed" | "cancelled";
export interface Task {
  id: Uuid;
  taskType: string;
  title: string;
  status: TaskStatus;
  libraryId: Uuid | null;
  libraryName: string | null;
  jobId: Uuid | null;
  jobName: string | null;
  runId: Uuid | null;
  params: Record<string, JsonValue>;
  attempts: number;
  maxAttempts: number;
  cancelRequested: boolean;
  progress: TaskProgress | null;
  result: JsonValue;
  lastError: string | null;
  createdBy: string;
  scheduledFor: Instant;
  createdAt: Instant;
  startedAt: Instant | null;
  completedAt: Instant | null;
}
export type TaskCounts = Record<TaskStatus, number>;
export interface TaskStats {
  counts: TaskCounts;
  retentionDays: number;
}
export interface TaskActionResponse {
  message: string;
  task: Task;
}

// ── API keys (platform §5.3) ───────────────────────────────────────────────────────────
export interface ApiKey {
  id: Uuid;
  name: string;
  prefix: string;
  permissions: string[] | null;
  createdAt: Instant;
  expiresAt: Instant | null;
  lastUsedAt: Instant | null;
  revokedAt: Instant | null;
}
export interface CreatedApiKey extends ApiKey {
  key: string;
}
