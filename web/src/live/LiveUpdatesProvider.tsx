import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useEffect, useRef, type ReactNode } from "react";
import { API_BASE } from "../api/client";
import { canFrom } from "../app/permissions";
import { meQuery } from "../app/session";
import { fetchActiveTasks } from "../features/tasks/queries";
import { toast } from "../app/toasts";
import { liveStatusFor, reconnectDelayS } from "./backoff";
import { invalidationsForEvent, type EventData } from "./eventEffects";
import { liveStore } from "./liveStore";
import { outcomeToasts, type OutcomeEvent } from "./outcomeToasts";
import type { TaskEventData } from "./taskStore";

const STREAMS = ["/events/tasks", "/events/stream"] as const;
const TASK_EVENTS = [
  "task.queued", "task.started", "task.progress", "task.cancel_requested", "task.retrying",
  "task.released", "task.completed", "task.failed", "task.cancelled",
];
const ENTITY_EVENTS = [
  "library.created", "library.updated", "library.deleted", "library.scanned",
  "series.created", "series.updated", "series.deleted", "series.metadata_updated",
  "book.updated", "book.metadata_updated",
  "job.created", "job.updated", "job.deleted", "job.run_started", "job.run_finished", "job.run_reverted",
  "plugin.created", "plugin.updated", "plugin.deleted", "plugin.enabled", "plugin.disabled",
  "plugin.health_changed", "cover.updated",
];
const THROTTLE_MS = 2000;
const PRUNE_EVERY_MS = 1000;
const CHECK_SESSION_AFTER_FAILURES = 2;
const PAUSED_TOAST_AFTER_FAILURES = 5;

function parse(event: MessageEvent<string>): Record<string, unknown> {
  try {
    return JSON.parse(event.data) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** Re-seed the task store from REST after (re)connecting, when the user may read tasks. */
async function seedActiveTasks(queryClient: QueryClient): Promise<void> {
  const me = queryClient.getQueryData(meQuery.queryKey);
  if (!canFrom(me?.permissions)("tasks:read")) return;
  try {
    const page = await fetchActiveTasks();
    liveStore.seedTasks(page.items);
  } catch {
    // The next `ready` retries; the screens still show their own REST state.
  }
}

function createThrottle() {
  const last = new Map<string, number>();
  return (name: string | undefined, run: () => void) => {
    if (!name) return run();
    const now = Date.now();
    if (now - (last.get(name) ?? 0) < THROTTLE_MS) return;
    last.set(name, now);
    run();
  };
}

/** One pair of EventSources per tab with reconnect and refetch on `ready` (web-ui §5). */
export function LiveUpdatesProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const failures = useRef(0);

  useEffect(() => {
    const throttle = createThrottle();
    const sources = new Map<string, EventSource>();
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const connected = new Set<string>();
    const attempts = new Map<string, number>();
    let pausedToastShown = false;
    let stopped = false;

    const refreshStatus = () => liveStore.setStatus(liveStatusFor(failures.current, connected.size === STREAMS.length));

    const handleEntity = (name: string, data: Record<string, unknown>) => {
      for (const effect of invalidationsForEvent(name, data as EventData)) {
        throttle(effect.throttle, () => void queryClient.invalidateQueries({ queryKey: effect.queryKey }));
      }
      if (name === "job.run_finished") outcomeToasts.runFinished(data as OutcomeEvent);
      if (name === "job.run_reverted") outcomeToasts.runReverted(data as OutcomeEvent);
      if (name === "task.failed") outcomeToasts.taskFailed(data as OutcomeEvent);
    };

    const onReady = (path: string) => {
      connected.add(path);
      failures.current = 0;
      attempts.set(path, 0);
      pausedToastShown = false;
      refreshStatus();
      void queryClient.invalidateQueries({ type: "active" });
      if (path === "/events/tasks") void seedActiveTasks(queryClient);
    };

    const onFailure = (path: string) => {
      sources.get(path)?.close();
      sources.delete(path);
      connected.delete(path);
      failures.current += 1;
      refreshStatus();
      if (failures.current === CHECK_SESSION_AFTER_FAILURES) {
        // A 401 here runs the session-expired flow through the API client.
        void queryClient.fetchQuery({ ...meQuery, staleTime: 0 }).catch(() => undefined);
      }
      if (failures.current >= PAUSED_TOAST_AFTER_FAILURES && !pausedToastShown) {
        pausedToastShown = true;
        toast.warning("Live updates paused", "Reconnecting…", { id: "live-paused" });
      }
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!stopped) open(path);
      }, reconnectDelayS(attempts.get(path) ?? 0) * 1000);
      attempts.set(path, (attempts.get(path) ?? 0) + 1);
      timers.add(timer);
    };

    const open = (path: string) => {
      const source = new EventSource(`${API_BASE}${path}`, { withCredentials: true });
      sources.set(path, source);
      source.addEventListener("ready", () => onReady(path));
      source.addEventListener("resync", () => onReady(path));
      source.addEventListener("error", () => onFailure(path));
      for (const name of TASK_EVENTS) {
        source.addEventListener(name, (event) => {
          const data = parse(event as MessageEvent<string>);
          liveStore.applyEvent({ ...(data as unknown as TaskEventData), type: name });
          handleEntity(name, data);
        });
      }
      for (const name of ENTITY_EVENTS) {
        source.addEventListener(name, (event) => handleEntity(name, parse(event as MessageEvent<string>)));
      }
    };

    STREAMS.forEach(open);
    const pruneTimer = setInterval(() => liveStore.prune(), PRUNE_EVERY_MS);
    return () => {
      stopped = true;
      clearInterval(pruneTimer);
      timers.forEach(clearTimeout);
      sources.forEach((source) => source.close());
      liveStore.reset();
    };
  }, [queryClient]);

  return children;
}
