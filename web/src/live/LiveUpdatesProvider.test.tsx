import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { act, render } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { meQuery } from "../app/session";
import { READER } from "../test/fixtures";
import { server } from "../test/server";
import { liveStore } from "./liveStore";
import { LiveUpdatesProvider } from "./LiveUpdatesProvider";

/** A stand-in for the browser's EventSource (jsdom has none): the test plays the server. */
class FakeEventSource {
  static opened: FakeEventSource[] = [];
  readonly url: string;
  closed = false;
  private listeners = new Map<string, ((event: MessageEvent<string>) => void)[]>();

  constructor(url: string) {
    this.url = url;
    FakeEventSource.opened.push(this);
  }

  addEventListener(name: string, listener: (event: MessageEvent<string>) => void) {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
  }

  close() {
    this.closed = true;
  }

  emit(name: string, data: unknown = {}) {
    for (const listener of this.listeners.get(name) ?? []) listener(new MessageEvent(name, { data: JSON.stringify(data) }));
  }
}

const TASKS_STREAM = "/api/v1/events/tasks";

function openedTasksStreams(): FakeEventSource[] {
  return FakeEventSource.opened.filter((source) => source.url.endsWith(TASKS_STREAM));
}

function latestTasksStream(): FakeEventSource {
  const streams = openedTasksStreams();
  const latest = streams[streams.length - 1];
  if (!latest) throw new Error("no tasks stream opened");
  return latest;
}

let fetches = 0;
let sessionChecks = 0;

function Probe() {
  useQuery({ queryKey: ["probe"], queryFn: () => ++fetches, staleTime: Infinity });
  return null;
}

function renderProvider() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  queryClient.setQueryData(meQuery.queryKey, READER);
  render(
    <QueryClientProvider client={queryClient}>
      <LiveUpdatesProvider><Probe /></LiveUpdatesProvider>
    </QueryClientProvider>,
  );
}

/** Fake seconds pass; promises in between settle. */
async function passSeconds(seconds: number) {
  await act(() => vi.advanceTimersByTimeAsync(seconds * 1000));
}

beforeEach(() => {
  FakeEventSource.opened = [];
  fetches = 0;
  sessionChecks = 0;
  server.use(http.get("/api/v1/auth/me", () => { sessionChecks += 1; return HttpResponse.json(READER); }));
  vi.stubGlobal("EventSource", FakeEventSource);
  // No jitter: Math.random() = 0.5 makes the ±20 % factor exactly 1.
  vi.spyOn(Math, "random").mockReturnValue(0.5);
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  liveStore.reset();
});

describe("live updates reconnect (web-ui §5.4, §5.5)", () => {
  it("reopens a failed stream after 1, 2, 4, 8, 16, 30, 30 s and shows Reconnecting…, then Offline", async () => {
    renderProvider();
    const delays: number[] = [];
    for (let failure = 1; failure <= 7; failure += 1) {
      const before = openedTasksStreams().length;
      act(() => latestTasksStream().emit("error"));
      let waited = 0;
      while (openedTasksStreams().length === before) {
        await passSeconds(1);
        waited += 1;
      }
      delays.push(waited);
      if (failure === 1) expect(liveStore.getStatus()).toBe("reconnecting");
      // After two consecutive failures the session is checked once (a 401 would sign out).
      if (failure === 2) expect(sessionChecks).toBe(1);
    }
    expect(delays).toEqual([1, 2, 4, 8, 16, 30, 30]);
    expect(liveStore.getStatus()).toBe("offline");
  });

  it("goes Live on ready, refetches active queries, and starts the backoff over", async () => {
    renderProvider();
    await passSeconds(0);
    const fetchesBefore = fetches;
    act(() => latestTasksStream().emit("error"));
    await passSeconds(1);
    act(() => {
      for (const source of FakeEventSource.opened.filter((stream) => !stream.closed)) source.emit("ready");
    });
    await passSeconds(0);
    expect(liveStore.getStatus()).toBe("live");
    // `ready` invalidates every active query: the probe fetched again.
    expect(fetches).toBeGreaterThan(fetchesBefore);

    const before = openedTasksStreams().length;
    act(() => latestTasksStream().emit("error"));
    await passSeconds(1);
    expect(openedTasksStreams().length).toBe(before + 1);
  });
});
