import { http, HttpResponse } from "msw";
import { afterEach, describe, expect, it, vi } from "vitest";
import { server } from "../test/server";
import { loginErrorMessage } from "../features/auth/loginErrors";
import { api, setUnauthenticatedHandler } from "./client";
import { ApiError } from "./errors";

afterEach(() => setUnauthenticatedHandler(() => undefined));

describe("API client (web-ui §1.3)", () => {
  it("sends X-Colophon-Csrf on writes only", async () => {
    const seen: Record<string, string | null> = {};
    server.use(
      http.get("/api/v1/things", ({ request }) => { seen.GET = request.headers.get("X-Colophon-Csrf"); return HttpResponse.json({}); }),
      http.post("/api/v1/things", ({ request }) => { seen.POST = request.headers.get("X-Colophon-Csrf"); return HttpResponse.json({}); }),
      http.delete("/api/v1/things", ({ request }) => { seen.DELETE = request.headers.get("X-Colophon-Csrf"); return new HttpResponse(null, { status: 204 }); }),
    );
    await api.get("/things");
    await api.post("/things", {});
    await api.delete("/things");
    expect(seen).toEqual({ GET: null, POST: "1", DELETE: "1" });
  });

  it("turns the error body into a typed ApiError", async () => {
    server.use(
      http.post("/api/v1/jobs/run", () =>
        HttpResponse.json({ error: "conflict", message: "A run of this job is already queued or running", taskId: "t1", runId: "r1" }, { status: 409 }),
      ),
    );
    const error = await api.post("/jobs/run").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: "conflict", taskId: "t1", runId: "r1", errors: [], message: "A run of this job is already queued or running" });
  });

  it("calls the session-expired handler on a 401, except for login", async () => {
    const handler = vi.fn();
    setUnauthenticatedHandler(handler);
    server.use(
      http.get("/api/v1/auth/me", () => HttpResponse.json({ error: "unauthenticated", message: "no session" }, { status: 401 })),
      http.post("/api/v1/auth/login", () => HttpResponse.json({ error: "unauthenticated", message: "invalid username or password" }, { status: 401 })),
    );
    await api.get("/auth/me").catch(() => undefined);
    expect(handler).toHaveBeenCalledTimes(1);
    const loginError = await api.post("/auth/login", {}, { isLogin: true }).catch((caught: unknown) => caught);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(loginErrorMessage(loginError)).toBe("Invalid username or password.");
  });

  it("words throttled logins in minutes from Retry-After", async () => {
    server.use(http.post("/api/v1/auth/login", () => HttpResponse.json({ error: "too_many_requests", message: "too many login attempts" }, { status: 429, headers: { "Retry-After": "300" } })));
    const error = await api.post("/auth/login", {}, { isLogin: true }).catch((caught: unknown) => caught);
    expect(loginErrorMessage(error)).toBe("Too many attempts. Try again in 5 minutes.");
    expect(loginErrorMessage(new ApiError(0, { error: "network", message: "x" }))).toBe("Can't reach the server.");
  });
});
