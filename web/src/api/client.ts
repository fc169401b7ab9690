import createClient, { type Middleware } from "openapi-fetch";
import { errorFromResponse, isAbortError, networkError } from "./errors";
import type { paths } from "./schema";

/** Base path of every API call (platform §0); the client's paths are relative to it. */
export const API_BASE = "/api/v1";

/** The generated paths without the `/api/v1` prefix. */
export type ApiPaths = {
  [Path in keyof paths as Path extends `${typeof API_BASE}${infer Rest}` ? Rest : never]: paths[Path];
};

/** Called on a 401 from anything but login (web-ui §1.3.4); the app installs the real handler. */
let onUnauthenticated: () => void = () => undefined;
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const LOGIN_PATH = `${API_BASE}/auth/login`;

function addCsrfHeader(request: Request): void {
  // CSRF guard for cookie sessions: every unsafe method carries the header (platform §5.2).
  if (UNSAFE_METHODS.has(request.method)) request.headers.set("X-Colophon-Csrf", "1");
}

function reportExpiredSession(request: Request, response: Response): void {
  // Login answers 401 for bad credentials; that must not look like an expired session.
  if (response.status === 401 && new URL(request.url).pathname !== LOGIN_PATH) onUnauthenticated();
}

const sessionMiddleware: Middleware = {
  onRequest: ({ request }) => {
    addCsrfHeader(request);
    return request;
  },
  onResponse: ({ request, response }) => {
    reportExpiredSession(request, response);
    return response;
  },
};

function apiBaseUrl(): string {
  return `${window.location.origin}${API_BASE}`;
}

/** The one API client (web-ui §1.3): same origin, cookie session, typed by the generated schema. */
export const api = createClient<ApiPaths>({
  baseUrl: apiBaseUrl(),
  credentials: "same-origin",
  headers: { Accept: "application/json" },
  // Looked up per call, so that a fetch installed after this module loads (tests) is used.
  fetch: (request: Request) => globalThis.fetch(request),
});
api.use(sessionMiddleware);

interface FetchResult<Data> {
  data?: Data;
  error?: unknown;
  response: Response;
}

/** Await one client call: its data, or an ApiError for a non-2xx answer or a network failure. */
export async function dataOrThrow<Data>(call: Promise<FetchResult<Data>>): Promise<Data> {
  let result: FetchResult<Data>;
  try {
    result = await call;
  } catch (error) {
    if (isAbortError(error)) throw error;
    throw networkError();
  }
  if (!result.response.ok) throw errorFromResponse(result.response, result.error);
  return result.data as Data;
}
