import "@testing-library/jest-dom/vitest";
import { cleanup, configure } from "@testing-library/react";
import { afterAll, afterEach, beforeAll } from "vitest";
import { server } from "./src/test/server";

// findBy* waits for a condition; a cold first render of a Mantine modal can take seconds on a
// busy machine, so give the wait room (it returns as soon as the element is there).
configure({ asyncUtilTimeout: 5000 });

// jsdom lacks these browser APIs that Mantine components use.
const noop = () => undefined;
Object.defineProperty(window, "matchMedia", {
  writable: true,
  value: (query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: noop,
    removeListener: noop,
    addEventListener: noop,
    removeEventListener: noop,
    dispatchEvent: () => false,
  }),
});
class ResizeObserverStub {
  observe = noop;
  unobserve = noop;
  disconnect = noop;
}
window.ResizeObserver = ResizeObserverStub;
window.HTMLElement.prototype.scrollIntoView = noop;

// jsdom's AbortSignal is not Node's, so it cannot cross into Node's Request constructor, which
// the API client uses; tests that abort do so through their own fetch stubs.
const NodeRequest = globalThis.Request;
globalThis.Request = class extends NodeRequest {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    const { signal: _signal, ...rest } = init ?? {};
    super(input, rest);
  }
};

beforeAll(() => {
  server.listen({ onUnhandledRequest: "error" });
});
afterEach(() => {
  cleanup();
  server.resetHandlers();
});
afterAll(() => server.close());
