// A dependency-free Node (>= 20) plugin written to plugins.md section 3, behaving like a
// Codex SDK plugin: readline input, every line handled concurrently, replies as
// JSON.stringify(msg) + "\n", SDK validation messages, storage/* reverse calls from id 1.
import { createInterface } from "node:readline";

const state = { adminConfig: {}, credentials: {}, initialized: false };
const pendingReverse = new Map();
let nextReverseId = 1;

function write(message) {
  process.stdout.write(JSON.stringify(message) + "\n");
}

function log(level, message, data) {
  const suffix = data === undefined ? "" : ` - ${JSON.stringify(data)}`;
  process.stderr.write(`${new Date().toISOString()} [${level}] [node-compat] ${message}${suffix}\n`);
}

class RpcError extends Error {
  constructor(code, message, data) {
    super(message);
    this.code = code;
    this.data = data;
  }
}

function reverseCall(method, params, id = nextReverseId++, extra = {}) {
  return new Promise((resolve, reject) => {
    pendingReverse.set(id, { resolve, reject });
    write({ jsonrpc: "2.0", id, method, params, ...extra });
  });
}

function requireString(params, field) {
  const value = params[field];
  if (value === undefined || value === null) {
    throw new RpcError(-32602, `Invalid params: ${field} is required`, { field });
  }
  if (typeof value !== "string") {
    throw new RpcError(-32602, `Invalid params: ${field} must be a string`, { field });
  }
  if (value.trim() === "") {
    throw new RpcError(-32602, `Invalid params: ${field} cannot be empty`, { field });
  }
  return value;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function delayFor(method) {
  const delays = state.adminConfig.delays || {};
  if (delays[method]) await sleep(delays[method]);
}

function result(kind, query, i) {
  return {
    externalId: `${kind}-${i}::${query}`,
    title: i === 1 ? query : `${query} (${i})`,
    alternateTitles: [],
    year: 2000 + i,
    relevanceScore: 1 - 0.1 * (i - 1),
  };
}

async function injectFaults(query) {
  if (query === "crash") process.exit(1);
  if (query === "hang") await new Promise(() => {});
  if (query === "ratelimit") {
    throw new RpcError(-32001, "Rate limited", { retryAfterSeconds: 7 });
  }
  if (query === "missing") throw new RpcError(-32002, "Series not found");
}

const handlers = {
  async initialize(params) {
    state.adminConfig = params.adminConfig || {};
    state.credentials = params.credentials || {};
    if (state.adminConfig.requireKey && !state.credentials.api_key) {
      throw new RpcError(-32005, "api_key credential is required");
    }
    state.initialized = true;
    log("INFO", "initialized", { dataDir: params.dataDir });
    return {
      name: "node-compat",
      displayName: "Node compatibility plugin",
      version: "1.0.0",
      protocolVersion: "1.1",
      pluginType: "system",
      capabilities: { metadataProvider: ["series", "book"] },
      requiredCredentials: [],
    };
  },
  async ping() {
    return "pong";
  },
  async shutdown() {
    setImmediate(() => process.exit(0));
    return null;
  },
  async "metadata/series/search"(params) {
    const query = requireString(params, "query");
    await delayFor("metadata/series/search");
    await injectFaults(query);
    const limit = Math.min(params.limit ?? 10, 3);
    return { results: Array.from({ length: limit }, (_, i) => result("series", query, i + 1)) };
  },
  async "metadata/series/get"(params) {
    const externalId = requireString(params, "externalId");
    await delayFor("metadata/series/get");
    await reverseCall("storage/set", { key: `seen:${externalId}`, data: { at: Date.now() } });
    const stored = await reverseCall("storage/get", { key: `seen:${externalId}` });
    let parentCall = null;
    try {
      await reverseCall("releases/list_tracked", {}, 1000000000, { parentRequestId: 1 });
    } catch (error) {
      parentCall = { code: error.code, message: error.message };
    }
    return {
      externalId,
      externalUrl: `https://node.invalid/series/${encodeURIComponent(externalId)}`,
      title: externalId.split("::").pop(),
      status: "Completed",
      authors: ["Node Author"],
      genres: ["Compat"],
      storedSomething: stored.data !== null,
      parentCall,
    };
  },
  async "metadata/series/match"(params) {
    const title = requireString(params, "title");
    if (title.toLowerCase().startsWith("nomatch")) return { match: null, confidence: 0 };
    return { match: result("series", title, 1), confidence: 0.8, alternatives: [] };
  },
  async "metadata/book/search"(params) {
    if (!params.isbn && !params.query) {
      throw new RpcError(-32602, "Invalid params: either isbn or query is required", {
        field: "isbn/query",
      });
    }
    if (params.isbn) {
      return { results: [{ externalId: `isbn::${params.isbn}`, title: `Book ${params.isbn}` }] };
    }
    return { results: [result("book", params.query, 1)] };
  },
  async "metadata/book/get"(params) {
    const externalId = requireString(params, "externalId");
    return { externalId, externalUrl: "https://node.invalid/book", title: "Node Book" };
  },
  async "metadata/book/match"(params) {
    const title = requireString(params, "title");
    return result("book", title, 1); // a bare SearchResult, as some Codex plugins reply
  },
};

async function handleRequest(message) {
  const handler = handlers[message.method];
  try {
    if (!handler) throw new RpcError(-32601, `Method not found: ${message.method}`);
    if (message.method.startsWith("metadata/") && !state.initialized) {
      throw new RpcError(-32005, "Plugin not initialized");
    }
    const value = await handler(message.params || {});
    write({ jsonrpc: "2.0", id: message.id, result: value === undefined ? null : value });
  } catch (error) {
    const body = { code: error.code ?? -32603, message: error.message };
    if (error.data !== undefined) body.data = error.data;
    write({ jsonrpc: "2.0", id: message.id, error: body });
  }
}

function handleLine(line) {
  if (!line.trim()) return;
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    write({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error: invalid JSON" } });
    return;
  }
  if (typeof message.method === "string") {
    handleRequest(message);
    return;
  }
  const pending = pendingReverse.get(message.id);
  if (!pending) return;
  pendingReverse.delete(message.id);
  if (message.error) {
    const error = new RpcError(message.error.code, message.error.message, message.error.data);
    pending.reject(error);
  } else {
    pending.resolve(message.result);
  }
}

const input = createInterface({ input: process.stdin, crlfDelay: Infinity });
input.on("line", handleLine);
input.on("close", () => process.exit(0));
