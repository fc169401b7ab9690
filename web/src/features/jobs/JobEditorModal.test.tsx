import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { describe, expect, it, vi } from "vitest";
import type { CreateJob, PluginAction } from "../../api/types";
import { BOOK_GROUPS, BOTH, ECHO, job, LIBRARY_ID, MAINTAINER, OPENLIBRARY, SERIES_GROUPS } from "../../test/fixtures";
import { renderWithProviders } from "../../test/render";
import { server } from "../../test/server";
import { JobEditorModal } from "./JobEditorModal";

function editorHandlers({ series = [ECHO, BOTH], books = [OPENLIBRARY, BOTH] }: { series?: PluginAction[]; books?: PluginAction[] } = {}) {
  const posted: CreateJob[] = [];
  server.use(
    http.get("/api/v1/library-jobs/metadata-refresh/field-groups", ({ request }) =>
      HttpResponse.json(new URL(request.url).searchParams.get("entity") === "book" ? BOOK_GROUPS : SERIES_GROUPS),
    ),
    http.get("/api/v1/plugins/actions", ({ request }) => {
      const scope = new URL(request.url).searchParams.get("scope");
      return HttpResponse.json({ scope, actions: scope === "book:bulk" ? books : series });
    }),
    http.get("/api/v1/library-jobs/cron-preview", ({ request }) => {
      const expr = new URL(request.url).searchParams.get("expr") ?? "";
      if (expr.split(" ").length !== 5) {
        return HttpResponse.json({ error: "validation_error", message: "invalid cron expression: expected 5 fields, got 1" }, { status: 400 });
      }
      return HttpResponse.json({ expression: expr, timezone: "UTC", description: "At 04:00 every day", nextRuns: ["2026-06-07T04:00:00.000+00:00"] });
    }),
    http.post(`/api/v1/libraries/${LIBRARY_ID}/jobs`, async ({ request }) => {
      posted.push((await request.json()) as CreateJob);
      return HttpResponse.json(job(), { status: 201 });
    }),
  );
  return posted;
}

function renderEditor(onClose = vi.fn()) {
  renderWithProviders(<JobEditorModal libraryId={LIBRARY_ID} job={null} serverDefaultZone="UTC" onClose={onClose} />, { me: MAINTAINER });
  return onClose;
}

async function chooseProvider(user: ReturnType<typeof userEvent.setup>, name: string) {
  await user.click(screen.getByRole("combobox", { name: /^Provider/ }));
  await user.click(await screen.findByRole("option", { name: new RegExp(name) }));
}

describe("job editor", () => {
  it("always shows each field group's fields and the series defaults checked", async () => {
    editorHandlers();
    renderEditor();
    expect(await screen.findByText("rating, externalRatings")).toBeInTheDocument();
    expect(screen.getByText("title, titleSort, alternateTitles")).toBeInTheDocument();
    expect(screen.getByRole("checkbox", { name: "Ratings" })).toBeChecked();
    expect(screen.getByRole("checkbox", { name: "Identifiers" })).not.toBeChecked();
    expect(screen.getByText("Will write 6 series fields: externalRatings, rating, status, totalChapterCount, totalVolumeCount, year")).toBeInTheDocument();
  });

  it("switches a series scope to books for a book-only provider and shows the book groups", async () => {
    const user = userEvent.setup();
    editorHandlers();
    renderEditor();
    await chooseProvider(user, "Open Library");
    expect(await screen.findByText("Scope updated")).toBeInTheDocument();
    expect(screen.getByText("Open Library only supports book metadata.")).toBeInTheDocument();
    expect(screen.getByRole("radio", { name: "Books only" })).toBeChecked();
    expect(screen.getByRole("radio", { name: "Series only" })).toBeDisabled();
    const books = screen.getByRole("group", { name: "Book field groups" });
    expect(within(books).getByRole("checkbox", { name: "Descriptive" })).toBeChecked();
    expect(within(books).getByRole("checkbox", { name: "Publication" })).toBeChecked();
    expect(screen.queryByRole("group", { name: "Series field groups" })).not.toBeInTheDocument();
  });

  it("blocks submit when no series field group or field is chosen", async () => {
    const user = userEvent.setup();
    const posted = editorHandlers();
    renderEditor();
    await chooseProvider(user, "Echo");
    for (const label of ["Ratings", "Status", "Counts"]) await user.click(await screen.findByRole("checkbox", { name: label }));
    await user.click(screen.getByRole("button", { name: "Create job" }));
    expect(await screen.findByText("Choose at least one field group or field")).toBeInTheDocument();
    expect(posted).toEqual([]);
  });

  it("creates a job without a blank name and with the server-default timezone as null", async () => {
    const user = userEvent.setup();
    const posted = editorHandlers();
    const onClose = renderEditor();
    await chooseProvider(user, "Echo");
    await user.click(screen.getByRole("button", { name: "Create job" }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(posted).toHaveLength(1);
    expect(posted[0]).toEqual({
      enabled: true, cronSchedule: "0 4 * * *", timezone: null,
      config: {
        type: "metadata_refresh", provider: "plugin:echo", scope: "series_only", fieldGroups: ["ratings", "status", "counts"],
        extraFields: [], bookFieldGroups: [], bookExtraFields: [], existingSourceIdsOnly: true,
        skipRecentlySyncedWithinS: 3600, minMatchConfidence: 0.8, maxConcurrency: 4,
      },
    });
  });

  it("puts server validation errors on their controls and unknown ones in the top alert", async () => {
    const user = userEvent.setup();
    editorHandlers();
    server.use(
      http.post(`/api/v1/libraries/${LIBRARY_ID}/jobs`, () =>
        HttpResponse.json({
          error: "validation_error", message: "plugin 'echo' is not enabled for this library",
          errors: [
            { field: "config.provider", message: "plugin 'echo' is not enabled for this library" },
            { field: "config.maxConcurrency", message: "maxConcurrency must be between 1 and 16" },
            { field: "config.type", message: "unknown job type" },
          ],
        }, { status: 400 }),
      ),
    );
    renderEditor();
    await chooseProvider(user, "Echo");
    await user.click(screen.getByRole("button", { name: "Create job" }));
    expect(await screen.findByText("plugin 'echo' is not enabled for this library")).toBeInTheDocument();
    expect(screen.getByText("maxConcurrency must be between 1 and 16")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Advanced options" })).toHaveAttribute("aria-expanded", "true");
    const topAlert = screen.getByText("The job was not saved").closest("[role=alert]") as HTMLElement;
    expect(within(topAlert).getByText("config.type: unknown job type")).toBeInTheDocument();
    expect(within(topAlert).queryByText(/maxConcurrency/)).not.toBeInTheDocument();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole("combobox", { name: /^Provider/ })));
  });

  it("shows the server's cron message under the Custom input", async () => {
    const user = userEvent.setup();
    editorHandlers();
    renderEditor();
    await user.click(screen.getByRole("combobox", { name: "Schedule" }));
    await user.click(await screen.findByRole("option", { name: "Custom" }));
    const cron = screen.getByRole("textbox", { name: "Cron expression" });
    expect(cron).toHaveValue("0 4 * * *");
    await user.clear(cron);
    await user.type(cron, "nonsense");
    expect(await screen.findByText("invalid cron expression: expected 5 fields, got 1", {}, { timeout: 2000 })).toBeInTheDocument();
  });
});
