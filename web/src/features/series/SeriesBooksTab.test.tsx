import { screen } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import type { BookRow } from "../../api/types";
import { READER } from "../../test/fixtures";
import { renderWithProviders } from "../../test/render";
import { server } from "../../test/server";
import { SeriesBooksTab } from "./SeriesBooksTab";

const SERIES_ID = "5b6f3c1e-0000-4000-8000-000000000001";

function bookRow(overrides: Partial<BookRow>): BookRow {
  return {
    id: "5b6f3c1e-0000-4000-8000-000000000010",
    seriesId: SERIES_ID,
    seriesTitle: "Saga",
    libraryId: "5b6f3c1e-0000-4000-8000-000000000100",
    title: "Chapter One",
    number: "1",
    path: "Saga/Saga 01.cbz",
    fileName: "Saga 01.cbz",
    format: "cbz",
    fileSize: 2 * 1024 * 1024,
    pageCount: 24,
    analysisError: null,
    deleted: false,
    ...overrides,
  };
}

describe("series books tab", () => {
  it("shows each book's number before its title, with a dash when it has none", async () => {
    const items = [bookRow({}), bookRow({ id: "5b6f3c1e-0000-4000-8000-000000000011", title: null, number: null, fileName: "Extra.cbz" })];
    server.use(http.get(`/api/v1/series/${SERIES_ID}/books`, () => HttpResponse.json({ items, nextCursor: null })));
    renderWithProviders(<SeriesBooksTab seriesId={SERIES_ID} />, { me: READER });

    await screen.findByText("Chapter One");
    const cells = screen.getAllByRole("row").map((row) => Array.from(row.children, (cell) => cell.textContent));
    expect(cells).toEqual([
      ["Number", "Title", "Format", "Pages", "Size"],
      ["1", "Chapter One", "cbz", "24", "2.0 MB"],
      ["—", "Extra.cbz", "cbz", "24", "2.0 MB"],
    ]);
  });
});
