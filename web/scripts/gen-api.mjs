// `npm run gen:api` (web-ui §1.3.1): ask the server for its OpenAPI document, write it to
// web/openapi.json, and generate web/src/api/schema.d.ts from it. Both files are committed;
// tests/e2e/test_api_schema_drift.py fails when the server's document moves without them.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const webDir = fileURLToPath(new URL("..", import.meta.url));
const venvColophon = fileURLToPath(new URL("../../.venv/bin/colophon", import.meta.url));
const colophon = process.env.COLOPHON_BIN ?? (existsSync(venvColophon) ? venvColophon : "colophon");

// The document must not depend on the developer's configuration or environment.
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("COLOPHON_")));

execFileSync(colophon, ["openapi", "--output", "openapi.json"], { cwd: webDir, env, stdio: "inherit" });
execFileSync(
  process.execPath,
  [fileURLToPath(new URL("../node_modules/openapi-typescript/bin/cli.js", import.meta.url)), "openapi.json", "--default-non-nullable", "false", "--output", "src/api/schema.d.ts"],
  { cwd: webDir, stdio: "inherit" },
);
