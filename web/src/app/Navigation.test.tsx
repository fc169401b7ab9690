import { screen } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import type { Me } from "../api/types";
import { LIBRARY, MAINTAINER, READER } from "../test/fixtures";
import { renderWithProviders } from "../test/render";
import { server } from "../test/server";
import { Navigation } from "./Navigation";
import { RequirePermission } from "./RequirePermission";

const ADMIN: Me = { ...MAINTAINER, id: "u0", username: "ada", role: "admin", permissions: [...MAINTAINER.permissions, "plugins:manage", "libraries:manage"] };

function navigationHandlers() {
  server.use(
    http.get("/api/v1/libraries", () => HttpResponse.json({ items: [LIBRARY], nextCursor: null })),
    http.get("/api/v1/tasks/stats", () => HttpResponse.json({ counts: {}, byType: {}, stale: 0, oldestPendingAgeS: null, aliveWorkers: 1, retentionDays: 7 })),
  );
}

function renderNavigation(me: Me) {
  navigationHandlers();
  renderWithProviders(<Navigation onNavigate={() => undefined} />, { me });
}

describe("permissions in the navigation (web-ui §2, §4.4)", () => {
  it("shows an admin every page", async () => {
    renderNavigation(ADMIN);
    expect(await screen.findByRole("link", { name: "Manga" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Plugins" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: /Tasks/ })).toBeInTheDocument();
  });

  it("gives a maintainer no Plugins page", async () => {
    renderNavigation(MAINTAINER);
    expect(await screen.findByRole("link", { name: "Manga" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: /Tasks/ })).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Plugins" })).not.toBeInTheDocument();
  });

  it("gives a reader neither Tasks nor Plugins", async () => {
    renderNavigation(READER);
    expect(await screen.findByRole("link", { name: "Manga" })).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: /Tasks/ })).not.toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Plugins" })).not.toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Account" })).toBeInTheDocument();
  });

  it("answers a maintainer's direct URL to Plugins with No access, never a blank page", () => {
    renderWithProviders(<RequirePermission permission="plugins:manage"><p>plugin settings</p></RequirePermission>, { me: MAINTAINER });
    expect(screen.getByText("No access")).toBeInTheDocument();
    expect(screen.getByText(/Requires permission plugins:manage/)).toBeInTheDocument();
    expect(screen.queryByText("plugin settings")).not.toBeInTheDocument();
  });
});
