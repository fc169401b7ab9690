import type { QueryKey } from "@tanstack/react-query";
import { isTerminalTaskEvent } from "./taskStore";

/** Payload fields of entity and task events that decide what to refetch (platform §4). */
export interface EventData {
  type?: string;
  libraryId?: string | null;
  jobId?: string | null;
  seriesId?: string | null;
  bookId?: string | null;
  pluginId?: string | null;
  entityType?: string;
  entityId?: string;
}

/** A key to invalidate, optionally throttled under a name so bursts collapse (web-ui §5.3). */
export interface Invalidation {
  queryKey: QueryKey;
  throttle?: string;
}

function taskEffects(name: string, data: EventData): Invalidation[] {
  // A new task appears on the Tasks page; progress itself comes from the live store.
  if (name === "task.queued") return [{ queryKey: ["tasks", { active: true }], throttle: "activeTasks" }];
  if (!isTerminalTaskEvent(name)) return [];
  const effects: Invalidation[] = [
    { queryKey: ["tasks"], throttle: "tasks" },
    { queryKey: ["taskStats"], throttle: "tasks" },
  ];
  if (data.libraryId) {
    effects.push({ queryKey: ["jobs", data.libraryId] }, { queryKey: ["library", data.libraryId] });
    effects.push({ queryKey: ["libraries"] });
  }
  return effects;
}

function entityEffects(name: string, data: EventData): Invalidation[] {
  const libraryId = data.libraryId ?? "";
  if (name.startsWith("job.run_")) {
    return [{ queryKey: ["jobs", libraryId] }, { queryKey: ["jobRuns", data.jobId ?? ""] }];
  }
  if (name.startsWith("job.")) return [{ queryKey: ["jobs", libraryId] }];
  if (name.startsWith("series.")) {
    return [
      { queryKey: ["seriesDetail", data.seriesId ?? ""] },
      { queryKey: ["series", libraryId], throttle: `series:${libraryId}` },
    ];
  }
  if (name.startsWith("book.")) {
    return [
      { queryKey: ["book", data.bookId ?? ""] },
      { queryKey: ["series", libraryId], throttle: `series:${libraryId}` },
    ];
  }
  if (name.startsWith("library.")) return [{ queryKey: ["libraries"] }, { queryKey: ["library", libraryId] }];
  if (name.startsWith("plugin.")) return [{ queryKey: ["plugins"] }, { queryKey: ["providers"] }];
  if (name === "cover.updated") {
    const detailKey = data.entityType === "book" ? "book" : "seriesDetail";
    return [{ queryKey: [detailKey, data.entityId ?? ""] }, { queryKey: ["covers", data.entityType, data.entityId] }];
  }
  return [];
}

/** What an event makes stale; `ready` and `resync` are handled by the provider (refetch everything). */
export function invalidationsForEvent(name: string, data: EventData): Invalidation[] {
  if (name.startsWith("task.")) return taskEffects(name, data);
  return entityEffects(name, data);
}
