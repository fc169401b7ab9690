import { setupServer } from "msw/node";

/** One msw server for every component test; each test adds its own handlers. */
export const server = setupServer();
