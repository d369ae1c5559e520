// The sync bridge: JavaScript has no blocking HTTP client, so `chat()` hands the HTTP call to a
// long-lived worker thread (holding one keep-alive SDK client) and blocks in Atomics.wait until
// the worker bumps a shared counter; the reply is then read with receiveMessageOnPort, without
// the caller's event loop ever running. Only I/O crosses: building the request and parsing the
// answer stay on the caller's thread. Errors cross serialised and are mapped by errors-map.ts.
// Besides SDK calls it makes plain HTTP requests (`fetch`) and awaits a module's exported
// function (`callModule`), which is how a custom provider gets a blocking chat() (see toolkit.ts).
import { MessageChannel, Worker, receiveMessageOnPort } from "node:worker_threads";
import type { MessagePort } from "node:worker_threads";
import { KaizenError, ProviderError, TimeoutError } from "@kaizen/contracts";
import { mapProviderError, type SerializedError } from "./errors-map.js";

/** Which SDK client the worker builds: "openai" (openai.OpenAI), "azure-openai" (openai.AzureOpenAI), "anthropic". */
export type SdkClientKind = "openai" | "azure-openai" | "anthropic";

/** Plain, structured-cloneable client options (apiKey, baseURL, defaultHeaders, ...). No functions. */
export type SdkClientOptions = Record<string, unknown>;

export interface SyncCallOptions {
  /** Per-request timeout handed to the SDK; the blocking wait is bounded by it plus a grace. */
  timeoutMs?: number;
  /** Extra SDK request options (headers, query). Must be structured-cloneable. */
  requestOptions?: Record<string, unknown>;
  /** Provider name used in a bridge-level TimeoutError. */
  provider?: string;
}

export interface SyncCallResult<T> {
  data: T;
  /** The response headers, lower-cased. */
  headers: Record<string, string>;
}

export interface SyncFetchInit {
  /** Default GET, or POST when there is a body. */
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** The worker aborts the request after this long (then TimeoutError). No limit when undefined. */
  timeoutMs?: number;
  /** Provider name put on the errors. */
  provider?: string;
  /** Values to scrub from error messages besides the generic key patterns (pass the API key). */
  secrets?: readonly string[];
}

export interface SyncFetchReply {
  status: number;
  /** The response headers, lower-cased. */
  headers: Record<string, string>;
  /** The whole response body as text. */
  body: string;
}

/** Thrown (not mapped) when the worker reports an SDK error: feed it to mapProviderError. */
export class SyncBridgeError extends KaizenError {
  readonly serialized: SerializedError;
  constructor(serialized: SerializedError) {
    super("sync_bridge_error", serialized.message);
    this.serialized = serialized;
  }
}

type Reply =
  | { id: number; fatal?: undefined; ok: true; data: unknown; headers: Record<string, string> }
  | { id: number; fatal?: undefined; ok: false; error: SerializedError }
  | { id: 0; fatal: true; message: string };

// Beyond the SDK's own timeout the worker gets this long to report before the caller gives up,
// so a wedged worker cannot hang run() forever.
const GRACE_MS = 2_000;
const NO_TIMEOUT_WAIT_MS = 10 * 60_000;

export class SyncBridge {
  #worker: Worker | undefined;
  #port: MessagePort | undefined;
  #counter: Int32Array | undefined;
  #nextId = 1;
  #closed = false;
  readonly #workerUrl: URL;

  /** `workerUrl` is for tests; the default is the sync-worker.js beside this module. */
  constructor(options: { workerUrl?: URL } = {}) {
    this.#workerUrl = options.workerUrl ?? new URL("./sync-worker.js", import.meta.url);
  }

  #start(): void {
    if (this.#closed) {
      throw new ProviderError("The provider was closed; create a new one to make more calls.", {
        provider: "sync-bridge",
        retryable: false,
      });
    }
    if (this.#worker) return;
    const signal = new SharedArrayBuffer(4);
    const { port1, port2 } = new MessageChannel();
    // A tiny CommonJS bootstrap loads the worker module, so that a worker that cannot load (a
    // missing or half-rebuilt file) reports it through the protocol instead of leaving the
    // blocked caller to wait out its whole timeout.
    const workerUrl = this.#workerUrl.href;
    const bootstrap = `const { workerData } = require("node:worker_threads");
import(${JSON.stringify(workerUrl)}).catch((error) => {
  workerData.port.postMessage({ id: 0, fatal: true, message: String((error && error.message) || error) });
  const counter = new Int32Array(workerData.signal);
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
});`;
    const worker = new Worker(bootstrap, { eval: true, workerData: { port: port2, signal }, transferList: [port2] });
    // Never keep the process alive for an idle bridge.
    worker.unref();
    port1.unref();
    // A crashed worker is noticed by the bounded wait; this only keeps the error from being unhandled.
    worker.on("error", () => {
      this.#worker = undefined;
    });
    this.#worker = worker;
    this.#port = port1;
    this.#counter = new Int32Array(signal);
  }

  /**
   * Calls `client.<method>(params)` on the worker's SDK client and blocks until it answers.
   * `method` is a dotted path: "chat.completions.create", "embeddings.create", "messages.create".
   * Throws SyncBridgeError (an SDK error, to be mapped) or TimeoutError.
   */
  call<T = unknown>(
    kind: SdkClientKind,
    clientOptions: SdkClientOptions,
    method: string,
    params: unknown,
    options: SyncCallOptions = {},
  ): SyncCallResult<T> {
    const requestOptions = {
      ...options.requestOptions,
      ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
    };
    return this.#roundTrip<SyncCallResult<T>>(
      { type: "call", kind, clientOptions, method, params, requestOptions },
      options,
      (data, headers) => ({ data: data as T, headers }),
    );
  }

  /**
   * A blocking HTTP request for a custom provider's `chat()`: the worker makes it with the lean
   * node:http client and reads the whole body, then this returns `{ status, headers, body }`.
   * Any status is a reply (map it with `mapHttpError`); a failure without one throws the mapped
   * error: a retryable ProviderError (code connection_error) or, after `timeoutMs`, TimeoutError.
   */
  fetch(url: string | URL, init: SyncFetchInit = {}): SyncFetchReply {
    const message = {
      type: "fetch",
      url: String(url),
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers: init.headers ?? {},
      ...(init.body === undefined ? {} : { body: init.body }),
      ...(init.timeoutMs === undefined ? {} : { timeoutMs: init.timeoutMs }),
    };
    try {
      return this.#roundTrip<SyncFetchReply>(message, init, (data) => data as SyncFetchReply);
    } catch (error) {
      const context = { provider: init.provider ?? "provider", secrets: init.secrets ?? [] };
      throw mapProviderError(error, init.timeoutMs === undefined ? context : { ...context, timeoutMs: init.timeoutMs });
    }
  }

  /**
   * Awaits `exportName(...args, { signal })` of the module at `moduleUrl` on the worker thread and
   * blocks until it settles: the way to give a provider a synchronous `chat()` from its own
   * `chatAsync` (export a function that runs it; pass the request without its `signal`). The
   * module must load in plain Node (JavaScript, or a build of TypeScript), and the arguments and
   * result must be structured-cloneable. A KaizenError thrown there is rethrown here as the same
   * class with its code and fields; after `timeoutMs` the call is aborted with TimeoutError.
   */
  callModule<T = unknown>(
    moduleUrl: string | URL,
    exportName: string,
    args: readonly unknown[],
    options: SyncCallOptions = {},
  ): T {
    const message = { type: "module", url: String(moduleUrl), exportName, args, ...pickTimeout(options) };
    try {
      return this.#roundTrip<T>(message, options, (data) => data as T);
    } catch (error) {
      const context = { provider: options.provider ?? "provider" };
      throw mapProviderError(error, options.timeoutMs === undefined ? context : { ...context, timeoutMs: options.timeoutMs });
    }
  }

  #roundTrip<R>(
    message: Record<string, unknown>,
    options: { timeoutMs?: number; provider?: string },
    done: (data: unknown, headers: Record<string, string>) => R,
  ): R {
    this.#start();
    const port = this.#port as MessagePort;
    const counter = this.#counter as Int32Array;
    const id = this.#nextId++;
    port.postMessage({ ...message, id });

    const waitBudget = options.timeoutMs === undefined ? NO_TIMEOUT_WAIT_MS : options.timeoutMs + GRACE_MS;
    const deadline = Date.now() + waitBudget;
    for (;;) {
      // Read the counter before draining, so a reply posted in between changes it and the
      // wait below returns at once instead of sleeping through it.
      const seen = Atomics.load(counter, 0);
      for (let received = receiveMessageOnPort(port); received; received = receiveMessageOnPort(port)) {
        const reply = received.message as Reply;
        if (reply.fatal) {
          this.#discardWorker();
          throw new ProviderError(
            `${options.provider ?? "provider"}: the sync bridge's worker thread failed to start: ${reply.message}`,
            {
              provider: options.provider ?? "unknown",
              retryable: false,
              code: "sync_bridge_error",
            },
          );
        }
        // Late replies of calls we gave up on are dropped here.
        if (reply.id !== id) continue;
        if (reply.ok) return done(reply.data, reply.headers);
        throw new SyncBridgeError(reply.error);
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0 || this.#worker === undefined) {
        port.postMessage({ type: "abort", id });
        throw new TimeoutError(
          `${options.provider ?? "provider"}: no answer within ${waitBudget} ms on the synchronous path. Raise timeoutMs if the provider is slow.`,
          {
            provider: options.provider ?? "unknown",
            retryable: true,
            ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
          },
        );
      }
      Atomics.wait(counter, 0, seen, remaining);
    }
  }

  /** Drops a broken worker; the next call starts a fresh one. */
  #discardWorker(): void {
    const worker = this.#worker;
    this.#worker = undefined;
    this.#port?.close();
    this.#port = undefined;
    if (worker) void worker.terminate();
  }

  /** True once a worker has been started and not yet closed. */
  get started(): boolean {
    return this.#worker !== undefined;
  }

  /** Terminates the worker (and with it the SDK client's sockets). Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = undefined;
    this.#port?.close();
    this.#port = undefined;
    if (worker) await worker.terminate();
  }
}

function pickTimeout(options: { timeoutMs?: number }): { timeoutMs?: number } {
  return options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
}

/** One bridge = one worker, created lazily on the first call. */
export function createSyncBridge(): SyncBridge {
  return new SyncBridge();
}
