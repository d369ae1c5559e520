// HEALTH_PORT: /health/live on a port and thread of its own (health-worker.js). Why: a liveness
// probe on the main port waits its turn behind whatever the main event loop is doing; at 2000
// connections on two cores one epoll round of answers took seconds, and a probe that slow restarts
// a server that is only busy. The worker answers from its own loop and reports the main loop
// stalled only when the main thread's heartbeat is older than `staleMs`.
import { once } from "node:events";
import { Worker } from "node:worker_threads";

export interface HealthListenerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  backlog?: number;
  /** How old the main loop's heartbeat may get before /health/live says 503 (default 30 s). */
  staleMs?: number;
  /** What /health/live reports besides status and uptime (the same fields as on the main port). */
  info: Readonly<Record<string, string>>;
}

export interface HealthListener {
  /** The port as bound. */
  port: number;
  close(): Promise<void>;
}

const BEAT_MS = 250;

export async function startHealthListener(options: HealthListenerOptions): Promise<HealthListener> {
  const heartbeat = new SharedArrayBuffer(8);
  const stamp = new BigInt64Array(heartbeat);
  const beat = () => Atomics.store(stamp, 0, BigInt(Date.now()));
  beat();
  const timer = setInterval(beat, BEAT_MS).unref();
  const worker = new Worker(new URL("./health-worker.js", import.meta.url), {
    workerData: {
      heartbeat,
      host: options.host,
      port: options.port,
      backlog: options.backlog ?? 511,
      staleMs: options.staleMs ?? 30_000,
      info: { ...options.info },
    },
  });
  const [first] = (await Promise.race([once(worker, "message"), once(worker, "error")])) as [
    { type: string; port?: number; code?: string; message?: string } | Error,
  ];
  if (first instanceof Error || first.type !== "listening") {
    clearInterval(timer);
    await worker.terminate();
    const why = first instanceof Error ? first.message : `${first.code ?? ""} ${first.message ?? ""}`.trim();
    throw new Error(
      `HEALTH_PORT ${options.port} on ${options.host} could not be opened (${why}). ` +
        "Fix: set HEALTH_PORT to a free port (0 picks one), or leave it unset to answer /health/live on PORT only.",
    );
  }
  // The health thread must not keep a finished process alive.
  worker.unref();
  let closing: Promise<void> | undefined;
  return {
    port: first.port ?? options.port,
    close: () =>
      (closing ??= (async () => {
        clearInterval(timer);
        const exited = once(worker, "exit");
        worker.postMessage("close");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())]);
        await worker.terminate();
      })()),
  };
}
