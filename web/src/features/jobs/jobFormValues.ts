import type { CreateJob, JobScope, LibraryJob, MetadataRefreshConfig, PatchJob } from "../../api/types";
import { cronForChoice, DEFAULT_SCHEDULE, presetValue, scheduleChoiceForCron, type ScheduleChoice } from "./cronPresets";
import { scopeWritesBooks, scopeWritesSeries } from "./scopeRules";

/** What the job editor edits; converted to and from the wire by the functions below. */
export interface JobFormValues {
  name: string;
  enabled: boolean;
  schedule: ScheduleChoice;
  cronExpression: string;
  /** null = the server default zone (sent as null). */
  timezone: string | null;
  /** `plugin:<name>`, or null until chosen. */
  provider: string | null;
  scope: JobScope;
  fieldGroups: string[];
  extraFields: string[];
  bookFieldGroups: string[];
  bookExtraFields: string[];
  existingSourceIdsOnly: boolean;
  minMatchConfidence: number;
  skipRecentlySyncedHours: number;
  maxConcurrency: number;
}

export const DEFAULT_SERIES_GROUPS = ["ratings", "status", "counts"];
export const DEFAULT_BOOK_GROUPS = ["descriptive", "publication"];
export const DEFAULT_ADVANCED = {
  existingSourceIdsOnly: true,
  minMatchConfidence: 0.8,
  skipRecentlySyncedHours: 1,
  maxConcurrency: 4,
} as const;
export const MIN_CONCURRENCY = 1;
export const MAX_CONCURRENCY = 16;
export const MAX_SKIP_HOURS = 8760;

/** New-job defaults of web-ui §3.7. */
export function newJobValues(): JobFormValues {
  return {
    name: "",
    enabled: true,
    schedule: DEFAULT_SCHEDULE,
    cronExpression: presetValue(DEFAULT_SCHEDULE) ?? "",
    timezone: null,
    provider: null,
    scope: "series_only",
    fieldGroups: [...DEFAULT_SERIES_GROUPS],
    extraFields: [],
    bookFieldGroups: [],
    bookExtraFields: [],
    ...DEFAULT_ADVANCED,
  };
}

export function hoursToSeconds(hours: number): number {
  return Math.round(hours * 3600);
}

/** Seconds shown as hours with at most two decimals. */
export function secondsToHours(seconds: number): number {
  return Math.round((seconds / 3600) * 100) / 100;
}

export function clampConcurrency(value: number): number {
  if (!Number.isFinite(value)) return DEFAULT_ADVANCED.maxConcurrency;
  return Math.min(MAX_CONCURRENCY, Math.max(MIN_CONCURRENCY, Math.round(value)));
}

/** Hydrate the editor from a saved job (a preset cron reopens as that preset). */
export function valuesFromJob(job: LibraryJob): JobFormValues {
  const config = job.config;
  const schedule = scheduleChoiceForCron(job.cronSchedule);
  return {
    name: job.name,
    enabled: job.enabled,
    schedule,
    cronExpression: job.cronSchedule,
    timezone: job.timezone,
    provider: config?.provider ?? null,
    scope: config?.scope ?? "series_only",
    fieldGroups: config?.fieldGroups ?? [],
    extraFields: config?.extraFields ?? [],
    bookFieldGroups: config?.bookFieldGroups ?? [],
    bookExtraFields: config?.bookExtraFields ?? [],
    existingSourceIdsOnly: config?.existingSourceIdsOnly ?? DEFAULT_ADVANCED.existingSourceIdsOnly,
    minMatchConfidence: config?.minMatchConfidence ?? DEFAULT_ADVANCED.minMatchConfidence,
    skipRecentlySyncedHours: secondsToHours(config?.skipRecentlySyncedWithinS ?? 3600),
    maxConcurrency: config?.maxConcurrency ?? DEFAULT_ADVANCED.maxConcurrency,
  };
}

/**
 * A scope change fills a side with its defaults the first time it comes into scope empty
 * (web-ui §3.7.6: book groups appear with their defaults pre-checked).
 */
export function valuesForScope(values: JobFormValues, scope: JobScope): JobFormValues {
  const next = { ...values, scope };
  const seriesEntering = scopeWritesSeries(scope) && !scopeWritesSeries(values.scope);
  const booksEntering = scopeWritesBooks(scope) && !scopeWritesBooks(values.scope);
  if (seriesEntering && next.fieldGroups.length === 0 && next.extraFields.length === 0) {
    next.fieldGroups = [...DEFAULT_SERIES_GROUPS];
  }
  if (booksEntering && next.bookFieldGroups.length === 0 && next.bookExtraFields.length === 0) {
    next.bookFieldGroups = [...DEFAULT_BOOK_GROUPS];
  }
  return next;
}

/** The whole config; the side outside the scope is sent empty (VAL-4, VAL-5). */
export function configFromValues(values: JobFormValues): MetadataRefreshConfig {
  const series = scopeWritesSeries(values.scope);
  const books = scopeWritesBooks(values.scope);
  return {
    type: "metadata_refresh",
    provider: values.provider ?? "",
    scope: values.scope,
    fieldGroups: series ? values.fieldGroups : [],
    extraFields: series ? values.extraFields : [],
    bookFieldGroups: books ? values.bookFieldGroups : [],
    bookExtraFields: books ? values.bookExtraFields : [],
    existingSourceIdsOnly: values.existingSourceIdsOnly,
    skipRecentlySyncedWithinS: hoursToSeconds(values.skipRecentlySyncedHours),
    minMatchConfidence: values.minMatchConfidence,
    maxConcurrency: clampConcurrency(values.maxConcurrency),
  };
}

export function cronFromValues(values: JobFormValues): string {
  return cronForChoice(values.schedule, values.cronExpression);
}

/** POST body: a blank name is omitted so the server auto-names the job. */
export function createBodyFromValues(values: JobFormValues): CreateJob {
  const body: CreateJob = {
    enabled: values.enabled,
    cronSchedule: cronFromValues(values),
    timezone: values.timezone,
    config: configFromValues(values),
  };
  const name = values.name.trim();
  if (name) body.name = name;
  return body;
}

/** PATCH body: every editable key and the whole config; a blank name is null (auto-name). */
export function patchBodyFromValues(values: JobFormValues): PatchJob {
  const name = values.name.trim();
  return {
    name: name ? name : null,
    enabled: values.enabled,
    cronSchedule: cronFromValues(values),
    timezone: values.timezone,
    config: configFromValues(values),
  };
}

/** Name placeholder: `<provider display name> — <group ids>` as the server would auto-name it. */
export function autoNamePreview(providerDisplayName: string | null, values: JobFormValues): string {
  if (!providerDisplayName) return "";
  const config = configFromValues(values);
  const groups = [...new Set([...config.fieldGroups, ...config.bookFieldGroups])];
  return groups.length ? `${providerDisplayName} — ${groups.join(", ")}` : providerDisplayName;
}

/** Advanced options start collapsed unless a value differs from its default (web-ui §3.7.9). */
export function advancedDiffersFromDefaults(values: JobFormValues): boolean {
  return (
    values.extraFields.length > 0 ||
    values.bookExtraFields.length > 0 ||
    values.existingSourceIdsOnly !== DEFAULT_ADVANCED.existingSourceIdsOnly ||
    values.minMatchConfidence !== DEFAULT_ADVANCED.minMatchConfidence ||
    values.skipRecentlySyncedHours !== DEFAULT_ADVANCED.skipRecentlySyncedHours ||
    values.maxConcurrency !== DEFAULT_ADVANCED.maxConcurrency
  );
}
