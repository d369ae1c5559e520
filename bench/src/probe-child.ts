// Liveness probes in a process of their own: asked from the load generator's process (as before),
// a probe's time also counted that process's own event loop, busy with thousands of connections.
// Each URL is asked every 100 ms on a fresh connection, as a kubelet or a load balancer asks.
import { request } from "node:http";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { reportFatal, send, type Message } from "./child-process.js";

export interface ProbeStats {
  url: string;
  probes: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Probes answered with something other than 200, or failed (one cut by the run's end is not). */
  failed: number;
}

function once(url: string, stop: AbortSignal): Promise<{ ms: number; ok: boolean; cut: boolean }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = request(url, { agent: false, headers: { connection: "close" }, signal: stop }, (res) => {
      res.resume();
      res.on("end", () => resolve({ ms: performance.now() - t0, ok: res.statusCode === 200, cut: false }));
    });
    // Cut at the end of the run: a probe still waiting then counts at its wait so far, not as failed.
    req.on("error", () => resolve({ ms: performance.now() - t0, ok: false, cut: stop.aborted }));
    req.end();
  });
}

async function probe(url: string, stop: AbortSignal): Promise<ProbeStats> {
  const times: number[] = [];
  let failed = 0;
  while (!stop.aborted) {
    const r = await once(url, stop);
    times.push(r.ms);
    if (!r.ok && !r.cut) failed += 1;
    await sleep(100);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor((q / 100) * times.length))] ?? Number.NaN;
  return { url, probes: times.length, p50Ms: at(50), p99Ms: at(99), maxMs: times.at(-1) ?? Number.NaN, failed };
}

process.once("message", (m: Message) => {
  const stop = new AbortController();
  const running = (m.urls as string[]).map((url) => probe(url, stop.signal));
  send({ type: "started" });
  process.once("message", () => {
    stop.abort();
    Promise.all(running)
      .then((stats) => send({ type: "result", stats }))
      .catch(reportFatal);
  });
});
