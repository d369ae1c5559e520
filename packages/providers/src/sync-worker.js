// The I/O half of the sync bridge (see sync-bridge.ts). Plain ESM JavaScript because Node 20
// cannot run TypeScript in a worker; tsc copies it to dist (allowJs).
//
// Protocol: requests arrive on `port`; each reply is posted back on `port`, then the shared
// counter is incremented and notified, which wakes the caller blocked in Atomics.wait. The
// caller reads the reply with receiveMessageOnPort, so its event loop never has to run.
import { workerData } from "node:worker_threads";
import { withErrorEnvelope } from "./error-envelope-fetch.js";
import { createNodeFetch } from "./node-fetch.js";

/** @typedef {{ type: "call", id: number, kind: string, clientOptions: Record<string, unknown>, method: string, params: unknown, requestOptions?: Record<string, unknown> }} CallMessage */
/** @typedef {{ type: "fetch", id: number, url: string, method: string, headers: Record<string, string>, body?: string, timeoutMs?: number }} FetchMessage */
/** @typedef {{ type: "module", id: number, url: string, exportName: string, args: unknown[], timeoutMs?: number }} ModuleMessage */
/** @typedef {{ type: "abort", id: number }} AbortMessage */

/** @type {{ port: import("node:worker_threads").MessagePort, signal: SharedArrayBuffer }} */
const { port, signal } = workerData;
const counter = new Int32Array(signal);

/** @type {Map<string, Promise<any>>} one SDK client per kind and options: created once, kept alive */
const clients = new Map();
/** @type {Map<number, AbortController>} */
const inflight = new Map();
/** @type {Set<{ close: () => void }>} the clients' lean fetches, whose Agents die with the port */
const nodeFetches = new Set();

/**
 * The key in clientOptions that says which HTTP client the SDK client gets (functions cannot be
 * posted to the worker, so the provider sends the choice and the worker builds the fetch).
 */
const HTTP_CLIENT_KEY = "kaizenHttpClient";

/**
 * @param {string} kind
 * @param {Record<string, unknown>} options
 */
async function createClient(kind, options) {
  const { [HTTP_CLIENT_KEY]: httpClient, ...sdkOptions } = options;
  // One lean fetch (one keep-alive Agent) per client, unless the provider asked for the global fetch.
  const nodeFetch = httpClient === "fetch" ? undefined : createNodeFetch();
  // The retry authority lives on the caller's side: the SDK must never retry on its own.
  const common = { ...sdkOptions, maxRetries: 0, ...(nodeFetch ? { fetch: nodeFetch.fetch } : {}) };
  try {
    let client;
    switch (kind) {
      case "openai": {
        const { default: OpenAI } = await import("openai");
        client = new OpenAI({ ...common, fetch: withErrorEnvelope(common.fetch ?? globalThis.fetch) });
        break;
      }
      case "azure-openai": {
        const { AzureOpenAI } = await import("openai");
        client = new AzureOpenAI({ ...common, fetch: withErrorEnvelope(common.fetch ?? globalThis.fetch) });
        break;
      }
      case "anthropic": {
        const { default: Anthropic } = await import("@anthropic-ai/sdk");
        client = new Anthropic(common);
        break;
      }
      default:
        throw new Error(`sync bridge: unknown client kind "${kind}"`);
    }
    if (nodeFetch) nodeFetches.add(nodeFetch);
    return client;
  } catch (error) {
    nodeFetch?.close();
    throw error;
  }
}

/**
 * @param {string} kind
 * @param {Record<string, unknown>} options
 */
function getClient(kind, options) {
  const key = kind + "\u0000" + JSON.stringify(options);
  let client = clients.get(key);
  if (!client) {
    client = createClient(kind, options);
    clients.set(key, client);
    client.catch(() => clients.delete(key));
  }
  return client;
}

/** @param {unknown} headers */
function headersToObject(headers) {
  /** @type {Record<string, string>} */
  const out = {};
  if (headers && typeof (/** @type {any} */ (headers).forEach) === "function") {
    /** @type {any} */ (headers).forEach((/** @type {string} */ value, /** @type {string} */ key) => {
      out[key] = value;
    });
  }
  return out;
}

/** A KaizenError thrown by a module's function keeps its class, code and fields across the thread. */
const KAIZEN_ERROR = Symbol.for("@kaizen/contracts.KaizenError");
const KAIZEN_FIELDS = ["provider", "status", "retryable", "requestId", "retryAfterMs", "timeoutMs", "field"];

/** @param {unknown} error */
function serializeError(error) {
  const e = /** @type {any} */ (error);
  const isError = error instanceof Error;
  /** @type {Record<string, unknown>} */
  const fields = {};
  if (e?.[KAIZEN_ERROR] === true) {
    for (const key of KAIZEN_FIELDS) if (e[key] !== undefined) fields[key] = e[key];
  }
  return {
    ...(e?.[KAIZEN_ERROR] === true ? { kaizen: { name: String(e.name), code: String(e.code), fields } } : {}),
    __kaizenSerializedError: true,
    errorClass: isError ? (e.constructor?.name ?? e.name) : typeof error,
    name: isError ? e.name : "Error",
    message: isError ? String(e.message) : String(error),
    status: typeof e?.status === "number" ? e.status : undefined,
    headers: e?.headers ? headersToObject(e.headers) : undefined,
    body: e?.error !== undefined ? safeClone(e.error) : undefined,
    causeMessage: e?.cause instanceof Error ? e.cause.message : undefined,
    causeCode: typeof e?.cause?.code === "string" ? e.cause.code : typeof e?.code === "string" ? e.code : undefined,
  };
}

/** @param {unknown} value */
function safeClone(value) {
  try {
    return JSON.parse(JSON.stringify(value));
  } catch {
    return undefined;
  }
}

/** @param {unknown} message */
function reply(message) {
  port.postMessage(message);
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
}

/** @param {CallMessage} message */
async function handleCall(message) {
  const controller = new AbortController();
  inflight.set(message.id, controller);
  try {
    const client = await getClient(message.kind, message.clientOptions);
    const path = message.method.split(".");
    const methodName = /** @type {string} */ (path.pop());
    let target = client;
    for (const part of path) target = target[part];
    if (!target || typeof target[methodName] !== "function") {
      throw new Error(`sync bridge: "${message.method}" is not a method of the ${message.kind} client`);
    }
    const { data, response } = await target[methodName](message.params, {
      ...message.requestOptions,
      signal: controller.signal,
    }).withResponse();
    reply({ id: message.id, ok: true, data, headers: headersToObject(response.headers) });
  } catch (error) {
    reply({ id: message.id, ok: false, error: serializeError(error) });
  } finally {
    inflight.delete(message.id);
  }
}

/** The worker-side timeout of a blocking fetch: serialised as "TimeoutError", mapped to TimeoutError. */
class TimeoutError extends Error {
  constructor(/** @type {number} */ ms) {
    super(`no response within ${ms} ms`);
    this.name = "TimeoutError";
  }
}

/** @type {{ fetch: typeof globalThis.fetch, close: () => void } | undefined} the lean fetch of `bridge.fetch()` */
let plainFetch;

/** One HTTP request for `SyncBridge.fetch`: the whole body is read here, so only strings cross. */
async function handleFetch(/** @type {FetchMessage} */ message) {
  const controller = new AbortController();
  inflight.set(message.id, controller);
  const timer =
    message.timeoutMs === undefined
      ? undefined
      : setTimeout(() => controller.abort(new TimeoutError(message.timeoutMs ?? 0)), message.timeoutMs);
  try {
    if (!plainFetch) {
      plainFetch = createNodeFetch();
      nodeFetches.add(plainFetch);
    }
    const res = await plainFetch.fetch(message.url, {
      method: message.method,
      headers: message.headers,
      body: message.body,
      signal: controller.signal,
    });
    const body = await res.text();
    reply({ id: message.id, ok: true, data: { status: res.status, headers: headersToObject(res.headers), body }, headers: {} });
  } catch (error) {
    reply({ id: message.id, ok: false, error: serializeError(error) });
  } finally {
    clearTimeout(timer);
    inflight.delete(message.id);
  }
}

/** `SyncBridge.callModule`: awaits an exported function of a module, with `{ signal }` after the arguments. */
async function handleModule(/** @type {ModuleMessage} */ message) {
  const controller = new AbortController();
  inflight.set(message.id, controller);
  const timer =
    message.timeoutMs === undefined
      ? undefined
      : setTimeout(() => controller.abort(new TimeoutError(message.timeoutMs ?? 0)), message.timeoutMs);
  try {
    const module = await import(message.url);
    const fn = module[message.exportName];
    if (typeof fn !== "function") throw new Error(`sync bridge: ${message.url} exports no function "${message.exportName}"`);
    const data = await fn(...message.args, { signal: controller.signal });
    reply({ id: message.id, ok: true, data, headers: {} });
  } catch (error) {
    reply({ id: message.id, ok: false, error: serializeError(error) });
  } finally {
    clearTimeout(timer);
    inflight.delete(message.id);
  }
}

// The bridge closes the port before it terminates the worker: let the sockets go first.
port.on("close", () => {
  for (const nodeFetch of nodeFetches) nodeFetch.close();
  nodeFetches.clear();
  plainFetch = undefined;
  clients.clear();
});

port.on("message", (/** @type {CallMessage | FetchMessage | ModuleMessage | AbortMessage} */ message) => {
  if (message.type === "abort") {
    inflight.get(message.id)?.abort();
    return;
  }
  if (message.type === "module") void handleModule(message);
  else void (message.type === "fetch" ? handleFetch(message) : handleCall(message));
});
