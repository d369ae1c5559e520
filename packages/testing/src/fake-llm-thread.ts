// The fake server on a worker thread. A blocking `chat()` (Atomics.wait on the caller's thread)
// would deadlock against a server on that same thread; this one keeps answering.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type {
  FakeFault,
  FakeFinish,
  FakeLLMServerOptions,
  FakeSentToolCall,
  FakeToolCall,
  RecordedRequest,
} from "./fake-llm-types.js";

export interface ThreadScriptOptions {
  times?: number;
  /** Only requests to this path (e.g. "/v1/chat/completions") consume the entry. */
  path?: string;
}

/** The same controls as FakeLLMServer, made async because they cross a thread. */
export interface FakeLLMServerThread {
  readonly url: string;
  readonly openaiBaseUrl: string;
  readonly anthropicBaseUrl: string;
  readonly port: number;
  setLatency(ms: number): Promise<void>;
  setStreamChunkDelay(ms: number): Promise<void>;
  fault(fault: FakeFault, opts?: ThreadScriptOptions): Promise<void>;
  reply(content: string | object, opts?: ThreadScriptOptions): Promise<void>;
  finish(finish: FakeFinish, opts?: ThreadScriptOptions): Promise<void>;
  toolCalls(calls: FakeToolCall | readonly FakeToolCall[], opts?: ThreadScriptOptions): Promise<FakeSentToolCall[]>;
  requests(): Promise<RecordedRequest[]>;
  clearRequests(): Promise<void>;
  resetScript(): Promise<void>;
  /** Stops the server and the thread. Idempotent. */
  close(): Promise<void>;
}

function createWorker(options: FakeLLMServerOptions): Worker {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return new Worker(new URL("./fake-llm-worker.js", here), { workerData: options });
  // Running from TypeScript source (this repo's tests): Node cannot load a .ts worker by itself,
  // so the worker registers tsx first.
  const tsxApi = tsxEsmApiUrl(here);
  const entry = new URL("./fake-llm-worker.ts", here).href;
  const code = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); }).catch((err) => { setImmediate(() => { throw err; }); });`;
  return new Worker(code, { eval: true, workerData: options });
}

/** The ESM entry of `tsx/esm/api`, read from tsx's exports map (its CJS twin cannot register from an eval'd worker). */
function tsxEsmApiUrl(from: string): string {
  const require = createRequire(from);
  const pkgPath = require.resolve("tsx/package.json");
  const pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as { exports?: Record<string, unknown> };
  const entry = (pkg.exports?.["./esm/api"] as { import?: unknown } | undefined)?.import;
  const relative =
    typeof entry === "string" ? entry : ((entry as { default?: string } | undefined)?.default ?? "./dist/esm/api/index.mjs");
  return pathToFileURL(join(dirname(pkgPath), relative)).href;
}

/** Starts a fake LLM server on its own worker thread. */
export async function startFakeLLMServerThread(options: FakeLLMServerOptions = {}): Promise<FakeLLMServerThread> {
  const worker = createWorker(options);
  const ready = await new Promise<{ url: string; port: number }>((resolve, reject) => {
    const onExit = (code: number): void =>
      reject(new Error(`The fake LLM server thread exited (code ${code}) before it listened.`));
    worker.once("error", reject);
    worker.once("exit", onExit);
    worker.once("message", (message: { url: string; port: number }) => {
      worker.off("error", reject);
      worker.off("exit", onExit);
      resolve(message);
    });
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  worker.on("message", (message: { id?: number; value?: unknown }) => {
    if (message.id === undefined) return;
    pending.get(message.id)?.resolve(message.value);
    pending.delete(message.id);
  });
  worker.on("exit", () => {
    for (const p of pending.values()) p.reject(new Error("The fake LLM server thread has stopped."));
    pending.clear();
  });
  const send = <T>(message: Record<string, unknown>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...message, id });
    });
  let closing: Promise<void> | undefined;
  return {
    url: ready.url,
    openaiBaseUrl: `${ready.url}/v1`,
    anthropicBaseUrl: ready.url,
    port: ready.port,
    setLatency: (ms) => send({ op: "setLatency", ms }),
    setStreamChunkDelay: (ms) => send({ op: "setStreamChunkDelay", ms }),
    fault: (fault, opts = {}) => send({ op: "fault", fault, ...opts }),
    reply: (content, opts = {}) => send({ op: "reply", content, ...opts }),
    finish: (finish, opts = {}) => send({ op: "finish", finish, ...opts }),
    toolCalls: (calls, opts = {}) => send({ op: "toolCalls", calls: Array.isArray(calls) ? calls : [calls], ...opts }),
    requests: () => send({ op: "requests" }),
    clearRequests: () => send({ op: "clearRequests" }),
    resetScript: () => send({ op: "resetScript" }),
    close: () =>
      (closing ??= send({ op: "close" }).then(
        async () => {
          await worker.terminate();
        },
        async () => {
          await worker.terminate();
        },
      )),
  };
}
