import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { describe, expect, it, vi } from "vitest";
import type { FetchPreviewResponse, SearchResponse } from "../../api/types";
import { ECHO, LIBRARY_ID, MAINTAINER } from "../../test/fixtures";
import { renderWithProviders } from "../../test/render";
import { server } from "../../test/server";
import { FetchMetadataModal } from "./FetchMetadataModal";

const SERIES_ID = "55555555-5555-4555-8555-555555555555";

const SEARCH: SearchResponse = {
  pluginId: ECHO.pluginId, query: "Alpha", nextCursor: null,
  results: [{ externalId: "echo-1", title: "Alpha", alternateTitles: [], year: 2020, coverUrl: null, relevanceScore: 0.92, preview: { description: "Echo result" } }],
};

const PREVIEW: FetchPreviewResponse = {
  pluginId: ECHO.pluginId, externalId: "echo-1", externalUrl: "https://echo.invalid/echo-1",
  summary: { willApply: 2, locked: 1, unchanged: 1 },
  fields: [
    { field: "summary", status: "will_apply", currentValue: "Old", proposedValue: "New", reason: null },
    { field: "year", status: "will_apply", currentValue: 2019, proposedValue: 2020, reason: null },
    { field: "status", status: "locked", currentValue: "ongoing", proposedValue: "ended", reason: "Field is locked" },
    { field: "publisher", status: "unchanged", currentValue: "P", proposedValue: "P", reason: null },
  ],
};

function handlers(bodies: Record<string, unknown[]>) {
  const record = (name: string) => async ({ request }: { request: Request }) => {
    (bodies[name] ??= []).push(await request.json());
  };
  server.use(
    http.get("/api/v1/plugins/actions", () => HttpResponse.json({ scope: "series:detail", actions: [ECHO] })),
    http.post(`/api/v1/series/${SERIES_ID}/metadata/search`, async (info) => { await record("search")(info); return HttpResponse.json(SEARCH); }),
    http.post(`/api/v1/series/${SERIES_ID}/metadata/preview`, async (info) => { await record("preview")(info); return HttpResponse.json(PREVIEW); }),
    http.post(`/api/v1/series/${SERIES_ID}/metadata/apply`, async (info) => {
      await record("apply")(info);
      return HttpResponse.json({ pluginId: ECHO.pluginId, externalId: "echo-1", externalUrl: null, dryRun: false, applied: ["year"], unchanged: [], skipped: [], changes: [] });
    }),
  );
}

describe("fetch metadata through the whole modal (web-ui §3.4.6)", () => {
  it("searches, reviews with will_apply pre-checked and locked disabled, and applies exactly the checked fields", async () => {
    const user = userEvent.setup();
    const bodies: Record<string, unknown[]> = {};
    handlers(bodies);
    const onClose = vi.fn();
    renderWithProviders(
      <FetchMetadataModal entity="series" entityId={SERIES_ID} libraryId={LIBRARY_ID} title="Alpha" externalIds={[]} onClose={onClose} />,
      { me: MAINTAINER },
    );
    const dialog = await screen.findByRole("dialog", { name: "Fetch metadata" });
    await user.click(await within(dialog).findByRole("button", { name: "Search" }));
    // The search is prefilled with the title and runs at once.
    await user.click(await within(dialog).findByText("Alpha", { selector: "p, span, div" }));
    expect(bodies.search).toEqual([{ pluginId: ECHO.pluginId, limit: 10, cursor: null, query: "Alpha" }]);

    const summary = await within(dialog).findByRole("checkbox", { name: /Summary/ });
    expect(summary).toBeChecked();
    expect(within(dialog).getByRole("checkbox", { name: /Year/ })).toBeChecked();
    expect(within(dialog).getByRole("checkbox", { name: /Status/ })).toBeDisabled();
    expect(within(dialog).queryByText("Publisher")).not.toBeInTheDocument();
    expect(bodies.preview).toEqual([{ pluginId: ECHO.pluginId, externalId: "echo-1" }]);

    await user.click(summary);
    await user.click(within(dialog).getByRole("button", { name: "Apply 1 fields" }));
    expect(await screen.findByText("Metadata applied")).toBeInTheDocument();
    expect(bodies.apply).toEqual([{ pluginId: ECHO.pluginId, externalId: "echo-1", fields: ["year"] }]);
    expect(onClose).toHaveBeenCalled();
  });
});
