import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The server serves this folder at `/` with an SPA fallback (web-ui §1.2).
const serverStaticDir = fileURLToPath(new URL("../src/colophon/static", import.meta.url));
const devApiTarget = "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: serverStaticDir,
    emptyOutDir: true,
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: {
      "/api": { target: devApiTarget, changeOrigin: false },
      "/metrics": { target: devApiTarget, changeOrigin: false },
    },
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./vitest.setup.ts"],
    css: false,
    include: ["src/**/*.test.{ts,tsx}"],
    // Component tests drive Mantine comboboxes through user-event; a cold first run is slow.
    testTimeout: 20_000,
  },
});
