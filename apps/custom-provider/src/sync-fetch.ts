// A blocking fetch for a provider's synchronous chat(): the HTTP call runs on a worker thread
// while the caller waits in Atomics.wait, and the reply is read with receiveMessageOnPort, so the
// caller's event loop never has to turn. The same technique as @kaizen/providers' sync bridge,
// small enough to own: about 100 lines, no dependency.
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from "node:worker_threads";

export interface SyncFetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Gives up (and aborts the worker's request) after this long. Default 60 s. */
  timeoutMs?: number;
}

export interface SyncFetchResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What the worker reports when fetch itself failed (no HTTP status): a network error or a timeout. */
export class SyncFetchError extends Error {
  readonly code: string | undefined;
  constructor(name: string, message: string, code: string | undefined) {
    super(message);
    this.name = name;
    this.code = code;
  }
}

// Plain JavaScript evaluated in the worker: no file to resolve, from src (tests) or dist alike.
const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { port, counter: shared } = workerData;
const counter = new Int32Array(shared);
const inflight = new Map();
port.on("message", async (msg) => {
  if (msg.type === "abort") return inflight.get(msg.id)?.abort();
  const controller = new AbortController();
  inflight.set(msg.id, controller);
  const timer = setTimeout(() => controller.abort(), msg.timeoutMs);
  let reply;
  try {
    const res = await fetch(msg.url, { method: msg.method, headers: msg.headers, body: msg.body, signal: controller.signal });
    reply = { id: msg.id, ok: true, status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
  } catch (err) {
    const timedOut = controller.signal.aborted;
    reply = { id: msg.id, ok: false, name: timedOut ? "TimeoutError" : (err && err.name) || "Error",
      message: String((err && err.message) || err), code: err && err.cause && err.cause.code };
  } finally {
    clearTimeout(timer);
    inflight.delete(msg.id);
  }
  port.postMessage(reply);
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
});
`;

type Reply =
  | { id: number; ok: true; status: number; headers: Record<string, string>; body: string }
  | { id: number; ok: false; name: string; message: string; code?: string };

export class SyncFetcher {
  #worker: Worker | undefined;
  #port: MessagePort | undefined;
  #counter: Int32Array | undefined;
  #nextId = 1;

  /** Blocks this thread until the response is in (or the timeout passes), then returns it. */
  fetch(url: string, init: SyncFetchInit = {}): SyncFetchResponse {
    const { port, counter } = this.#start();
    const id = this.#nextId++;
    const timeoutMs = init.timeoutMs ?? 60_000;
    port.postMessage({
      type: "call",
      id,
      url,
      method: init.method ?? "GET",
      headers: init.headers ?? {},
      body: init.body,
      timeoutMs,
    });
    // The worker enforces the timeout; this margin only guards against a wedged worker.
    const deadline = Date.now() + timeoutMs + 2_000;
    for (;;) {
      const seen = Atomics.load(counter, 0);
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
        const reply = m.message as Reply;
        if (reply.id !== id) continue; // a late reply to a call given up on
        if (reply.ok) return { status: reply.status, headers: reply.headers, body: reply.body };
        throw new SyncFetchError(reply.name, reply.message, reply.code);
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        port.postMessage({ type: "abort", id });
        throw new SyncFetchError("TimeoutError", `no response within ${timeoutMs} ms`, undefined);
      }
      Atomics.wait(counter, 0, seen, remaining);
    }
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    this.#port?.close();
    await worker?.terminate();
  }

  #start(): { port: MessagePort; counter: Int32Array } {
    if (!this.#worker || !this.#port || !this.#counter) {
      const shared = new SharedArrayBuffer(4);
      const { port1, port2 } = new MessageChannel();
      this.#worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { port: port2, counter: shared },
        transferList: [port2],
      });
      // An idle bridge must not keep the process alive.
      this.#worker.unref();
      port1.unref();
      this.#port = port1;
      this.#counter = new Int32Array(shared);
    }
    return { port: this.#port, counter: this.#counter };
  }
}
