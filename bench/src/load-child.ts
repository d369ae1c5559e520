// The load generator, in its own process so its CPU is not the server's: autocannon on the chat
// route plus a probe that asks /health every 100 ms and times it.
import autocannon from "autocannon";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { reportFatal, type Message } from "./child-process.js";
import { percentile } from "./scenario.js";

export interface LoadSpec {
  url: string;
  connections: number;
  durationSec: number;
  timeoutSec: number;
  /** What the probe asks; default /health. */
  healthPath?: string;
  /** false: no probe from this process (run-shedding.ts probes from a process of its own). */
  probe?: boolean;
}

export interface LoadOutcome {
  requests2xx: number;
  requestsPerSec: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  healthProbes: number;
  healthP50Ms: number;
  healthP99Ms: number;
  healthMaxMs: number;
  /** Responses by HTTP status ("200", "503", ...). */
  statusCodes: Record<string, number>;
}

async function probeHealth(url: string, stop: AbortSignal): Promise<number[]> {
  // A fresh connection per probe, as a liveness probe (kubelet, a load balancer) makes one.
  const times: number[] = [];
  while (!stop.aborted) {
    const t0 = performance.now();
    try {
      const res = await fetch(url, { signal: stop, headers: { connection: "close" } });
      await res.arrayBuffer();
      times.push(performance.now() - t0);
    } catch {
      // Aborted at the end of the run: a probe still waiting then is counted at its wait so far.
      if (stop.aborted) times.push(performance.now() - t0);
    }
    await sleep(100);
  }
  return times;
}

async function load(spec: LoadSpec): Promise<LoadOutcome> {
  const stop = new AbortController();
  const probes =
    spec.probe === false ? Promise.resolve([]) : probeHealth(`${spec.url}${spec.healthPath ?? "/health"}`, stop.signal);
  const result = await autocannon({
    url: `${spec.url}/api/chat`,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message: "What is 2 + 2?" }),
    connections: spec.connections,
    duration: spec.durationSec,
    timeout: spec.timeoutSec,
  });
  stop.abort();
  const health = (await probes).sort((a, b) => a - b);
  return {
    requests2xx: result["2xx"],
    requestsPerSec: result["2xx"] / spec.durationSec,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    healthProbes: health.length,
    healthP50Ms: percentile(health, 50),
    healthP99Ms: percentile(health, 99),
    healthMaxMs: health[health.length - 1] ?? Number.NaN,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, (stats as { count: number }).count]),
    ),
  };
}

process.once("message", (m: Message) => {
  load(m.spec as LoadSpec)
    .then((outcome) => process.send?.({ type: "result", outcome }, () => process.exit(0)))
    .catch(reportFatal);
});
