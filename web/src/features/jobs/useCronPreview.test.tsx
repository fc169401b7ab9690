import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, renderHook } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import type { ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { server } from "../../test/server";
import { CRON_PREVIEW_DEBOUNCE_MS, useCronPreview } from "./useCronPreview";

type Props = { expression: string; timezone: string | null };

function renderCronPreview(initial: Props) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
  return renderHook((props: Props) => useCronPreview(props.expression, props.timezone), { initialProps: initial, wrapper });
}

/** Let fake time pass in small steps so that promises between timers settle too. */
async function pass(ms: number) {
  for (let waited = 0; waited < ms; waited += 10) {
    await act(() => vi.advanceTimersByTimeAsync(10));
  }
}

function preview(expression: string) {
  return { expression, timezone: "UTC", description: `described ${expression}`, nextRuns: [] };
}

beforeEach(() => vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] }));
afterEach(() => vi.useRealTimers());

describe("cron preview (web-ui §3.7.2)", () => {
  it("asks once per 300 ms pause in typing, for the latest text", async () => {
    const asked: string[] = [];
    server.use(
      http.get("/api/v1/library-jobs/cron-preview", ({ request }) => {
        const expr = new URL(request.url).searchParams.get("expr") ?? "";
        asked.push(expr);
        return HttpResponse.json(preview(expr));
      }),
    );
    const hook = renderCronPreview({ expression: "0 4 * * *", timezone: null });
    await pass(CRON_PREVIEW_DEBOUNCE_MS + 50);
    expect(asked).toEqual(["0 4 * * *"]);

    // Typing "0 5", "0 5 *", … with 100 ms between keys: no request until the pause.
    for (const text of ["0 5", "0 5 *", "0 5 * *", "0 5 * * *"]) {
      hook.rerender({ expression: text, timezone: null });
      await pass(100);
    }
    expect(asked).toEqual(["0 4 * * *"]);
    await pass(CRON_PREVIEW_DEBOUNCE_MS);
    expect(asked).toEqual(["0 4 * * *", "0 5 * * *"]);
    expect(hook.result.current.preview?.description).toBe("described 0 5 * * *");
  });

  it("never lets an older, slower answer replace a newer one", async () => {
    let answerSlowly: (() => void) | undefined;
    server.use(
      http.get("/api/v1/library-jobs/cron-preview", async ({ request }) => {
        const expr = new URL(request.url).searchParams.get("expr") ?? "";
        if (expr === "0 1 * * *") await new Promise<void>((resolve) => (answerSlowly = resolve));
        return HttpResponse.json(preview(expr));
      }),
    );
    const hook = renderCronPreview({ expression: "0 1 * * *", timezone: null });
    await pass(CRON_PREVIEW_DEBOUNCE_MS + 50);
    hook.rerender({ expression: "0 2 * * *", timezone: null });
    await pass(CRON_PREVIEW_DEBOUNCE_MS + 50);
    expect(hook.result.current.preview?.expression).toBe("0 2 * * *");
    answerSlowly?.();
    await pass(100);
    expect(hook.result.current.preview?.expression).toBe("0 2 * * *");
  });

  it("puts a 400 message under the cron input, a bad zone under the timezone", async () => {
    server.use(
      http.get("/api/v1/library-jobs/cron-preview", ({ request }) => {
        const zone = new URL(request.url).searchParams.get("timezone");
        const message = zone ? "invalid timezone 'Mars/Base'" : "invalid cron expression: expected 5 fields, got 1";
        return HttpResponse.json({ error: "validation_error", message }, { status: 400 });
      }),
    );
    const hook = renderCronPreview({ expression: "nonsense", timezone: null });
    await pass(CRON_PREVIEW_DEBOUNCE_MS + 50);
    expect(hook.result.current).toMatchObject({ error: "invalid cron expression: expected 5 fields, got 1", errorTarget: "cronExpression" });
    hook.rerender({ expression: "0 4 * * *", timezone: "Mars/Base" });
    await pass(CRON_PREVIEW_DEBOUNCE_MS + 50);
    expect(hook.result.current).toMatchObject({ error: "invalid timezone 'Mars/Base'", errorTarget: "timezone" });
  });
});
