import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { describe, expect, it, vi } from "vitest";
import { ECHO, MAINTAINER } from "../../test/fixtures";
import { renderWithProviders } from "../../test/render";
import { server } from "../../test/server";
import { ReviewStep } from "./ReviewStep";

describe("fetch metadata review step", () => {
  it("pre-checks will_apply, disables locked, and applies exactly the checked fields", async () => {
    const user = userEvent.setup();
    server.use(
      http.post("/api/v1/series/s1/metadata/preview", () =>
        HttpResponse.json({
          pluginId: ECHO.pluginId, externalId: "42", externalUrl: null,
          fields: [
            { field: "title", status: "will_apply", currentValue: "Alpha", proposedValue: "Alpha!", reason: null },
            { field: "summary", status: "locked", currentValue: "Mine", proposedValue: "Theirs", reason: "Field is locked" },
            { field: "year", status: "will_apply", currentValue: null, proposedValue: 1999, reason: null },
            { field: "genres", status: "not_provided", currentValue: [], proposedValue: null, reason: "Not provided by plugin" },
          ],
        }),
      ),
    );
    const onApply = vi.fn();
    renderWithProviders(
      <ReviewStep entity="series" entityId="s1" provider={ECHO} externalId="42" resultTitle="Alpha" applying={false} applyError={null} onBack={vi.fn()} onApply={onApply} />,
      { me: MAINTAINER },
    );
    expect(await screen.findByRole("checkbox", { name: "Apply Title" })).toBeChecked();
    expect(screen.getByRole("checkbox", { name: "Apply Summary" })).toBeDisabled();
    expect(screen.queryByRole("checkbox", { name: "Apply Genres" })).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Show all fields (1)" })).toBeInTheDocument();
    await user.click(screen.getByRole("checkbox", { name: "Apply Year" }));
    await user.click(screen.getByRole("button", { name: "Apply 1 fields" }));
    expect(onApply).toHaveBeenCalledWith(["title"]);
  });
});
