import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { describe, expect, it, vi } from "vitest";
import type { DryRunResponse, JobRun } from "../../api/types";
import { axeViolations } from "../../test/axe";
import { BOOK_GROUPS, BOTH, ECHO, job, LIBRARY, LIBRARY_ID, MAINTAINER, OPENLIBRARY, SERIES_GROUPS } from "../../test/fixtures";
import { renderWithProviders } from "../../test/render";
import { server } from "../../test/server";
import { JobEditorModal } from "./JobEditorModal";
import { JobsPage } from "./JobsPage";
import { PreviewModal } from "./PreviewModal";
import { RunHistoryDrawer } from "./RunHistoryDrawer";

const JOB = job({ lastRunStatus: "success", lastRunAt: "2026-06-06T04:00:00.000Z", lastRunMessage: "Refreshed 3 of 3 item(s)" });

const DRY_RUN: DryRunResponse = {
  jobId: JOB.id, config: JOB.config!, totalItems: 3, totalEligible: 2, estSkippedNoId: 1, estSkippedRecentlySynced: 0,
  planFailure: null, sampleSize: 5,
  sample: [{
    entityType: "series", entityId: "alpha", seriesId: "alpha", name: "Alpha", status: "would_change", externalId: "a-1", matchConfidence: null,
    changes: [{ field: "summary", before: "Old summary", after: "New summary" }, { field: "year", before: null, after: 1999 }],
    unchanged: ["status"], skipped: [{ field: "totalVolumeCount", reason: "Field is locked" }], reason: null,
  }],
  skippedSample: [{ entityType: "series", entityId: "gamma", name: "Gamma", reason: "no_external_id", lastSyncedAt: null }],
};

const RUN: JobRun = {
  id: "r1", jobId: JOB.id, libraryId: LIBRARY_ID, taskId: "t1", trigger: "manual", status: "success",
  scheduledFor: null, requestedBy: null, config: null, revertedBy: null,
  createdAt: "2026-06-07T04:00:00Z", startedAt: "2026-06-07T04:00:01Z", finishedAt: "2026-06-07T04:01:00Z",
  message: "Refreshed 3 of 3 item(s)", changeCount: 2, revertedAt: null, revertSummary: null,
  summary: {
    planned: 3, succeeded: 3, failed: 0, skipped: { noExternalId: 0, recentlySynced: 0, noMatchCandidate: 0, lowConfidence: 0 },
    notProcessed: 0, itemsChanged: 1, fieldsChanged: 2, rateLimitRetries: 0, planFailure: null, errors: [],
  },
};

function handlers() {
  server.use(
    http.get(`/api/v1/libraries/${LIBRARY_ID}`, () => HttpResponse.json(LIBRARY)),
    http.get(`/api/v1/libraries/${LIBRARY_ID}/jobs`, () => HttpResponse.json({ jobs: [JOB] })),
    http.get("/api/v1/plugins/actions", ({ request }) => {
      const scope = new URL(request.url).searchParams.get("scope");
      return HttpResponse.json({ scope, actions: scope === "book:bulk" ? [OPENLIBRARY, BOTH] : [ECHO, BOTH] });
    }),
    http.get("/api/v1/library-jobs/metadata-refresh/field-groups", ({ request }) =>
      HttpResponse.json(new URL(request.url).searchParams.get("entity") === "book" ? BOOK_GROUPS : SERIES_GROUPS),
    ),
    http.get("/api/v1/library-jobs/cron-preview", () =>
      HttpResponse.json({ expression: "0 4 * * *", timezone: "UTC", description: "At 04:00 every day", nextRuns: ["2026-06-07T04:00:00.000Z"] }),
    ),
    http.post(`/api/v1/libraries/${LIBRARY_ID}/jobs/${JOB.id}/dry-run`, () => HttpResponse.json(DRY_RUN)),
    http.get(`/api/v1/libraries/${LIBRARY_ID}/jobs/${JOB.id}/runs`, () => HttpResponse.json({ items: [RUN], nextCursor: null })),
    http.get(`/api/v1/libraries/${LIBRARY_ID}/jobs/${JOB.id}/runs/r1`, () =>
      HttpResponse.json({ ...RUN, changes: { items: [{ id: 1, entityType: "series", entityId: "alpha", entityName: "Alpha", field: "summary", before: "Old", after: "New", source: "job", userId: null, createdAt: RUN.createdAt }], nextCursor: null } }),
    ),
  );
}

describe("accessibility (web-ui §6, §7.1)", () => {
  it("finds no axe violations on the jobs page", async () => {
    handlers();
    renderWithProviders(<JobsPage />, { me: MAINTAINER, route: `/libraries/${LIBRARY_ID}/jobs`, path: "/libraries/:libraryId/jobs" });
    expect(await within(await screen.findByTestId("job-row")).findByText(/At 04:00 every day/)).toBeInTheDocument();
    expect(await axeViolations()).toEqual([]);
  });

  it("finds no axe violations in the job editor, Advanced options open", async () => {
    const user = userEvent.setup();
    handlers();
    renderWithProviders(<JobEditorModal libraryId={LIBRARY_ID} job={JOB} serverDefaultZone="UTC" onClose={vi.fn()} />, { me: MAINTAINER });
    expect(await screen.findByText("rating, externalRatings")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Advanced options" }));
    expect(await axeViolations()).toEqual([]);
  });

  it("finds no axe violations in the preview modal", async () => {
    handlers();
    renderWithProviders(
      <PreviewModal libraryId={LIBRARY_ID} source={{ kind: "saved", jobId: JOB.id }} jobName={JOB.name} providerName="Echo (demo)"
        minMatchConfidence={0.8} onClose={vi.fn()} />,
      { me: MAINTAINER },
    );
    expect(await screen.findByTestId("preview-item")).toBeInTheDocument();
    expect(await axeViolations()).toEqual([]);
  });

  it("finds no axe violations in the history drawer with a run expanded", async () => {
    const user = userEvent.setup();
    handlers();
    renderWithProviders(<RunHistoryDrawer job={JOB} onClose={vi.fn()} />, { me: MAINTAINER });
    const run = await screen.findByTestId("run-row");
    await user.click(within(run).getByRole("button", { expanded: false }));
    expect(await within(run).findByText("Alpha")).toBeInTheDocument();
    expect(await axeViolations()).toEqual([]);
  });
});
