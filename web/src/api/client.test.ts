import { http, HttpResponse } from "msw";
import { afterEach, describe, expect, it, vi } from "vitest";
import { server } from "../test/server";
import { loginErrorMessage } from "../features/auth/loginErrors";
import { api, dataOrThrow, setUnauthenticatedHandler } from "./client";
import { ApiError } from "./errors";

afterEach(() => setUnauthenticatedHandler(() => undefined));

const ME = { id: "u1", username: "ada", role: "admin", permissions: [], authMethod: "session" };
const JOB_PATH = { params: { path: { library_id: "l1", job_id: "j1" } } };

describe("API client (web-ui §1.3)", () => {
  it("sends X-Colophon-Csrf on writes only", async () => {
    const seen: Record<string, string | null> = {};
    server.use(
      http.get("/api/v1/auth/me", ({ request }) => { seen.GET = request.headers.get("X-Colophon-Csrf"); return HttpResponse.json(ME); }),
      http.post("/api/v1/auth/logout", ({ request }) => { seen.POST = request.headers.get("X-Colophon-Csrf"); return new HttpResponse(null, { status: 204 }); }),
      http.delete("/api/v1/api-keys/k1", ({ request }) => { seen.DELETE = request.headers.get("X-Colophon-Csrf"); return new HttpResponse(null, { status: 204 }); }),
    );
    await dataOrThrow(api.GET("/auth/me"));
    await dataOrThrow(api.POST("/auth/logout"));
    await dataOrThrow(api.DELETE("/api-keys/{key_id}", { params: { path: { key_id: "k1" } } }));
    expect(seen).toEqual({ GET: null, POST: "1", DELETE: "1" });
  });

  it("turns the error body into a typed ApiError", async () => {
    server.use(
      http.post("/api/v1/libraries/l1/jobs/j1/run-now", () =>
        HttpResponse.json({ error: "conflict", message: "A run of this job is already queued or running", taskId: "t1", runId: "r1" }, { status: 409 }),
      ),
    );
    const error = await dataOrThrow(api.POST("/libraries/{library_id}/jobs/{job_id}/run-now", JOB_PATH)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: "conflict", taskId: "t1", runId: "r1", errors: [], message: "A run of this job is already queued or running" });
  });

  it("words an unreachable server as a network error", async () => {
    server.use(http.get("/api/v1/auth/me", () => HttpResponse.error()));
    const error = await dataOrThrow(api.GET("/auth/me")).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "network", message: "Can't reach the server" });
  });

  it("calls the session-expired handler on a 401, except for login", async () => {
    const handler = vi.fn();
    setUnauthenticatedHandler(handler);
    server.use(
      http.get("/api/v1/auth/me", () => HttpResponse.json({ error: "unauthenticated", message: "no session" }, { status: 401 })),
      http.post("/api/v1/auth/login", () => HttpResponse.json({ error: "unauthenticated", message: "invalid username or password" }, { status: 401 })),
    );
    await dataOrThrow(api.GET("/auth/me")).catch(() => undefined);
    expect(handler).toHaveBeenCalledTimes(1);
    const loginError = await dataOrThrow(api.POST("/auth/login", { body: { username: "a", password: "b" } })).catch((caught: unknown) => caught);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(loginErrorMessage(loginError)).toBe("Invalid username or password.");
  });

  it("words throttled logins in minutes from Retry-After", async () => {
    server.use(http.post("/api/v1/auth/login", () => HttpResponse.json({ error: "too_many_requests", message: "too many login attempts" }, { status: 429, headers: { "Retry-After": "300" } })));
    const error = await dataOrThrow(api.POST("/auth/login", { body: { username: "a", password: "b" } })).catch((caught: unknown) => caught);
    expect(loginErrorMessage(error)).toBe("Too many attempts. Try again in 5 minutes.");
    expect(loginErrorMessage(new ApiError(0, { error: "network", message: "x" }))).toBe("Can't reach the server.");
  });
});
