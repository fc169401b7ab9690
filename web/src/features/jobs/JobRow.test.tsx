import { act, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { afterEach, describe, expect, it } from "vitest";
import { liveStore } from "../../live/liveStore";
import { BOOK_GROUPS, ECHO, job, LIBRARY, LIBRARY_ID, MAINTAINER, SERIES_GROUPS } from "../../test/fixtures";
import { renderWithProviders } from "../../test/render";
import { server } from "../../test/server";
import { JobsPage } from "./JobsPage";

const TASK_ID = "33333333-3333-4333-8333-333333333333";
const RUN_ID = "44444444-4444-4444-8444-444444444444";
const RUNNING_JOB = job({ activeRun: { runId: RUN_ID, taskId: TASK_ID, status: "running" } });

function pageHandlers(cancelled: string[]) {
  server.use(
    http.get(`/api/v1/libraries/${LIBRARY_ID}`, () => HttpResponse.json(LIBRARY)),
    http.get(`/api/v1/libraries/${LIBRARY_ID}/jobs`, () => HttpResponse.json({ jobs: [RUNNING_JOB] })),
    http.get("/api/v1/plugins/actions", () => HttpResponse.json({ scope: "series:bulk", actions: [ECHO] })),
    http.get("/api/v1/library-jobs/metadata-refresh/field-groups", ({ request }) =>
      HttpResponse.json(new URL(request.url).searchParams.get("entity") === "book" ? BOOK_GROUPS : SERIES_GROUPS),
    ),
    http.get("/api/v1/library-jobs/cron-preview", () =>
      HttpResponse.json({ expression: "0 4 * * *", timezone: "UTC", description: "At 04:00 every day", nextRuns: [] }),
    ),
    http.post(`/api/v1/tasks/${TASK_ID}/cancel`, () => {
      cancelled.push(TASK_ID);
      // The server answers at once; the task ends later, when the handler sees the request.
      return HttpResponse.json({ message: "cancel requested", task: { id: TASK_ID, title: "Refresh E2E", status: "processing" } });
    }),
  );
}

function progress(current: number, counts: Record<string, number>) {
  act(() => {
    liveStore.applyEvent({
      type: "task.progress", taskId: TASK_ID, taskType: "refresh_library_metadata", jobId: RUNNING_JOB.id,
      libraryId: LIBRARY_ID, runId: RUN_ID, current, total: 3, message: `Refreshing item ${current}`, counts,
    });
  });
}

afterEach(() => liveStore.reset());

describe("job row live progress (web-ui §3.6 Live)", () => {
  it("starts indeterminate from activeRun, then follows the task's progress events", async () => {
    pageHandlers([]);
    renderWithProviders(<JobsPage />, { me: MAINTAINER, route: `/libraries/${LIBRARY_ID}/jobs`, path: "/libraries/:libraryId/jobs" });
    const row = await screen.findByTestId("job-row");
    const live = within(row).getByTestId("job-row-progress");
    expect(within(row).getByText("Running")).toBeInTheDocument();
    // Until the first progress event the bar has no value (web-ui §6.3).
    expect(within(live).getByRole("progressbar", { name: "Run progress for Nightly ratings" })).not.toHaveAttribute("aria-valuenow");

    progress(1, { succeeded: 1, failed: 0, skipped: 0 });
    expect(within(live).getByText("1 / 3 · 1 succeeded · 0 failed · 0 skipped")).toBeInTheDocument();
    expect(within(live).getByText("Refreshing item 1")).toBeInTheDocument();
    const bar = within(live).getByRole("progressbar", { name: "Run progress for Nightly ratings" });
    expect(bar).toHaveAttribute("aria-valuenow", "1");
    expect(bar).toHaveAttribute("aria-valuemax", "3");

    progress(2, { succeeded: 1, failed: 1, skipped: 0 });
    expect(within(live).getByText("2 / 3 · 1 succeeded · 1 failed · 0 skipped")).toBeInTheDocument();
  });

  it("turns Cancel into a disabled Cancelling… after the click", async () => {
    const user = userEvent.setup();
    const cancelled: string[] = [];
    pageHandlers(cancelled);
    renderWithProviders(<JobsPage />, { me: MAINTAINER, route: `/libraries/${LIBRARY_ID}/jobs`, path: "/libraries/:libraryId/jobs" });
    const row = await screen.findByTestId("job-row");
    await user.click(within(row).getByRole("button", { name: "Cancel" }));
    const cancelling = within(row).getByRole("button", { name: "Cancelling…" });
    expect(cancelling).toBeDisabled();
    expect(await screen.findByText("Cancel requested")).toBeInTheDocument();
    expect(cancelled).toEqual([TASK_ID]);
    // Still "Cancelling…" once the request is answered: the run has not ended yet.
    expect(within(row).getByRole("button", { name: "Cancelling…" })).toBeDisabled();
  });

  it("drops the progress once the task ends", async () => {
    pageHandlers([]);
    renderWithProviders(<JobsPage />, { me: MAINTAINER, route: `/libraries/${LIBRARY_ID}/jobs`, path: "/libraries/:libraryId/jobs" });
    const row = await screen.findByTestId("job-row");
    progress(3, { succeeded: 3, failed: 0, skipped: 0 });
    act(() => liveStore.applyEvent({ type: "task.completed", taskId: TASK_ID, status: "completed", jobId: RUNNING_JOB.id }));
    expect(within(row).queryByTestId("job-row-progress")).not.toBeInTheDocument();
  });
});
