import { screen } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it, vi } from "vitest";
import type { DryRunResponse } from "../../api/types";
import { job, LIBRARY_ID, MAINTAINER } from "../../test/fixtures";
import { renderWithProviders } from "../../test/render";
import { server } from "../../test/server";
import { PreviewModal } from "./PreviewModal";

const JOB = job();

function dryRun(overrides: Partial<DryRunResponse> = {}): DryRunResponse {
  return {
    jobId: JOB.id, config: JOB.config!, totalItems: 3, totalEligible: 3, estSkippedNoId: 0, estSkippedRecentlySynced: 0,
    planFailure: null, sampleSize: 5,
    sample: [
      {
        entityType: "series", entityId: "alpha", seriesId: "alpha", name: "Alpha", status: "would_change", externalId: "a-1", matchConfidence: null,
        changes: [
          { field: "summary", before: "Old summary", after: "New summary" },
          { field: "year", before: null, after: 1999 },
        ],
        unchanged: ["status"], skipped: [{ field: "totalVolumeCount", reason: "Field is locked" }], reason: null,
      },
      { entityType: "series", entityId: "beta", seriesId: "beta", name: "Beta", status: "skipped", externalId: null, matchConfidence: 0.5, changes: [], unchanged: [], skipped: [], reason: "low_confidence" },
    ],
    skippedSample: [],
    ...overrides,
  };
}

function renderSavedPreview(response: DryRunResponse | (() => Response)) {
  const bodies: unknown[] = [];
  server.use(
    http.post(`/api/v1/libraries/${LIBRARY_ID}/jobs/${JOB.id}/dry-run`, async ({ request }) => {
      bodies.push(await request.json());
      return typeof response === "function" ? response() : HttpResponse.json(response);
    }),
  );
  renderWithProviders(
    <PreviewModal libraryId={LIBRARY_ID} source={{ kind: "saved", jobId: JOB.id }} jobName={JOB.name} providerName="Echo (demo)"
      minMatchConfidence={0.8} onClose={vi.fn()} />,
    { me: MAINTAINER },
  );
  return bodies;
}

describe("preview modal", () => {
  it("shows before struck through in <del> and after in <ins>, with an italic (empty) before", async () => {
    const bodies = renderSavedPreview(dryRun());
    const items = await screen.findAllByTestId("preview-item");
    expect(items).toHaveLength(2);
    const [summaryRow, yearRow] = screen.getAllByTestId("change-row");
    expect(summaryRow?.querySelector("del")).toHaveTextContent("before: Old summary");
    expect(summaryRow?.querySelector("ins")).toHaveTextContent("after: New summary");
    expect(yearRow?.querySelector("del")).toBeNull();
    expect(yearRow).toHaveTextContent("(empty)");
    expect(bodies).toEqual([{ sampleSize: 5 }]);
  });

  it("lists unchanged and not-written fields and the item skip labels", async () => {
    renderSavedPreview(dryRun());
    expect(await screen.findByText("Unchanged: status")).toBeInTheDocument();
    expect(screen.getByText("totalVolumeCount — Field is locked")).toBeInTheDocument();
    expect(screen.getByText("Will change 2 fields")).toBeInTheDocument();
    expect(screen.getByText("Skipped: Best match below the confidence threshold (0.50 < 0.80)")).toBeInTheDocument();
    expect(screen.getByText("3 of 3 items would be processed")).toBeInTheDocument();
  });

  it("shows only the plan failure alert", async () => {
    renderSavedPreview(dryRun({ planFailure: "plugin_disabled", sample: [], totalEligible: 0 }));
    expect(await screen.findByText("The provider plugin is disabled or not enabled for this library.")).toBeInTheDocument();
    expect(screen.queryByTestId("preview-item")).not.toBeInTheDocument();
  });

  it("shows the error state with Retry when the preview fails", async () => {
    renderSavedPreview(() => HttpResponse.json({ error: "unavailable", message: "plugin is restarting" }, { status: 503 }));
    expect(await screen.findByText("Couldn't load the preview")).toBeInTheDocument();
    expect(screen.getByText("plugin is restarting")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Retry" })).toBeInTheDocument();
  });

  it("hands a 400 from an unsaved preview back to the editor", async () => {
    const onValidationError = vi.fn();
    server.use(
      http.post(`/api/v1/libraries/${LIBRARY_ID}/jobs/dry-run`, () =>
        HttpResponse.json({ error: "validation_error", message: "bad", errors: [{ field: "cronSchedule", message: "bad" }] }, { status: 400 }),
      ),
    );
    renderWithProviders(
      <PreviewModal libraryId={LIBRARY_ID} jobName={null} providerName="Echo" minMatchConfidence={0.8} onClose={vi.fn()}
        source={{ kind: "unsavedCreate", body: { enabled: true, cronSchedule: "x", timezone: null, config: JOB.config! } }}
        onValidationError={onValidationError} />,
      { me: MAINTAINER },
    );
    expect(await screen.findByText("Preview — unsaved job")).toBeInTheDocument();
    await vi.waitFor(() => expect(onValidationError).toHaveBeenCalledTimes(1));
    expect(onValidationError.mock.calls[0]?.[0]).toMatchObject({ status: 400, errors: [{ field: "cronSchedule", message: "bad" }] });
  });
});
