import { screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import type { LibraryJob, Me } from "../../api/types";
import { BOOK_GROUPS, ECHO, job, LIBRARY, LIBRARY_ID, MAINTAINER, READER, SERIES_GROUPS } from "../../test/fixtures";
import { renderWithProviders } from "../../test/render";
import { server } from "../../test/server";
import { JobsPage } from "./JobsPage";

function pageHandlers(jobs: () => Response) {
  server.use(
    http.get(`/api/v1/libraries/${LIBRARY_ID}`, () => HttpResponse.json(LIBRARY)),
    http.get(`/api/v1/libraries/${LIBRARY_ID}/jobs`, jobs),
    http.get("/api/v1/plugins/actions", ({ request }) =>
      HttpResponse.json({ scope: "", actions: new URL(request.url).searchParams.get("scope") === "series:bulk" ? [ECHO] : [] }),
    ),
    http.get("/api/v1/library-jobs/metadata-refresh/field-groups", ({ request }) =>
      HttpResponse.json(new URL(request.url).searchParams.get("entity") === "book" ? BOOK_GROUPS : SERIES_GROUPS),
    ),
    http.get("/api/v1/library-jobs/cron-preview", () =>
      HttpResponse.json({ expression: "0 4 * * *", timezone: "UTC", description: "At 04:00 every day", nextRuns: [] }),
    ),
  );
}

function renderJobsPage(me: Me) {
  return renderWithProviders(<JobsPage />, { me, route: `/libraries/${LIBRARY_ID}/jobs`, path: "/libraries/:libraryId/jobs" });
}

const jobsResponse = (jobs: LibraryJob[]) => () => HttpResponse.json({ jobs });

describe("jobs page", () => {
  it("renders the error state with Retry, never the empty state, when the list fails", async () => {
    pageHandlers(() => HttpResponse.json({ error: "internal_error", message: "An internal error occurred" }, { status: 500 }));
    renderJobsPage(MAINTAINER);
    expect(await screen.findByText("Couldn't load scheduled jobs")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Retry" })).toBeInTheDocument();
    expect(screen.queryByText("No scheduled jobs yet.")).not.toBeInTheDocument();
  });

  it("shows the empty state only for an empty list", async () => {
    pageHandlers(jobsResponse([]));
    renderJobsPage(MAINTAINER);
    expect(await screen.findByText("No scheduled jobs yet.")).toBeInTheDocument();
    expect(screen.getAllByRole("button", { name: "Add job" }).length).toBeGreaterThan(0);
  });

  it("renders a job row with provider, groups, schedule and next run in the job's zone", async () => {
    pageHandlers(jobsResponse([job({ timezone: "Europe/Berlin", effectiveTimezone: "Europe/Berlin", lastRunStatus: "partial", lastRunAt: "2026-06-06T04:00:00.000Z", lastRunMessage: "Refreshed 2 of 3 item(s) (1 changed, 1 failed, 0 skipped)" })]));
    renderJobsPage(MAINTAINER);
    const row = await screen.findByTestId("job-row");
    expect(await within(row).findByText("Echo (demo) · Series only · Ratings, Status, Counts")).toBeInTheDocument();
    expect(within(row).getByText(/At 04:00 every day/)).toBeInTheDocument();
    expect(within(row).getByText(/Next run: Sun 7 Jun 2026, 06:00 CEST/)).toBeInTheDocument();
    expect(within(row).getByText("Partial")).toBeInTheDocument();
    expect(within(row).getByRole("button", { name: "Run now" })).toBeInTheDocument();
  });

  it("gives a reader no Add job or Run now and a disabled enable switch", async () => {
    pageHandlers(jobsResponse([job()]));
    renderJobsPage(READER);
    const row = await screen.findByTestId("job-row");
    expect(screen.queryByRole("button", { name: "Add job" })).not.toBeInTheDocument();
    expect(within(row).queryByRole("button", { name: "Run now" })).not.toBeInTheDocument();
    expect(within(row).queryByRole("button", { name: "Preview" })).not.toBeInTheDocument();
    expect(within(row).getByRole("switch", { name: "Enable job Nightly ratings" })).toBeDisabled();
  });

  it("shows a disabled job as not scheduled", async () => {
    pageHandlers(jobsResponse([job({ enabled: false, nextRunAt: null })]));
    renderJobsPage(MAINTAINER);
    const row = await screen.findByTestId("job-row");
    expect(within(row).getByText("Disabled")).toBeInTheDocument();
    expect(within(row).getByText("Next run: not scheduled (disabled)")).toBeInTheDocument();
  });
});
