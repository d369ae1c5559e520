// The real chat API (apps/chat-api, as `npm start` runs it) at 2000 connections: does it shed what
// it cannot serve (503 + Retry-After, held SHED_HOLD_MS) and keep /health/live answering, on PORT
// and on HEALTH_PORT? The server talks to the bench's fake LLM process at 500 ms; the load comes
// from its own process (load-child.ts), the probes from a third (probe-child.ts).
import { freePort, startChatApi } from "./chat-api-process.js";
import { Child } from "./child-process.js";
import type { FakeLLM } from "./fake-llm.js";
import type { LoadOutcome, LoadSpec } from "./load-child.js";
import type { ProbeStats } from "./probe-child.js";

export interface SheddingOptions {
  connections: number;
  durationSec: number;
  latencyMs: number;
}

export interface SheddingRun extends SheddingOptions {
  /** The server's MAX_IN_FLIGHT: requests past it get 503 + Retry-After. */
  maxInFlight: number;
  outcome: LoadOutcome;
  /** GET /health/live every 100 ms on a fresh connection: on PORT, and on HEALTH_PORT (its own thread). */
  probes: { main: ProbeStats; healthPort: ProbeStats };
}

export async function runShedding(fake: FakeLLM, opts: SheddingOptions, maxInFlight = 512): Promise<SheddingRun> {
  const healthPort = await freePort();
  // One client (this machine) makes every request: the per-client limit is not what is measured.
  const server = await startChatApi(fake.openaiBaseUrl, {
    RATE_LIMIT_PER_MINUTE: "0",
    MAX_IN_FLIGHT: String(maxInFlight),
    HEALTH_PORT: String(healthPort),
  });
  let loader: Child | undefined;
  let prober: Child | undefined;
  try {
    await fake.setLatency(opts.latencyMs);
    prober = new Child("probe-child");
    prober.send({ type: "start", urls: [`${server.url}/health/live`, `http://127.0.0.1:${healthPort}/health/live`] });
    await prober.waitFor("started", 30_000);
    loader = new Child("load-child");
    const spec: LoadSpec = {
      url: server.url,
      connections: opts.connections,
      durationSec: opts.durationSec,
      timeoutSec: 10,
      probe: false,
    };
    loader.send({ type: "start", spec });
    const { outcome } = await loader.waitFor<{ type: "result"; outcome: LoadOutcome }>("result", (opts.durationSec + 60) * 1000);
    prober.send({ type: "stop" });
    const { stats } = await prober.waitFor<{ type: "result"; stats: ProbeStats[] }>("result", 30_000);
    const [main, own] = stats;
    if (!main || !own) throw new Error("the probe process reported no stats");
    return { ...opts, maxInFlight, outcome, probes: { main, healthPort: own } };
  } finally {
    await loader?.stop();
    await prober?.stop();
    await server.stop();
  }
}

/** The bench row: what the liveness probes saw and how every request ended. */
export function sheddingTable(runs: readonly SheddingRun[]): string {
  const probe = (p: ProbeStats) =>
    `${p.probes} | ${p.failed} | ${p.p50Ms.toFixed(1)} ms | ${p.p99Ms.toFixed(1)} ms | ${p.maxMs.toFixed(1)} ms | ` +
    `${p.p99Ms < 100 && p.failed === 0 ? "goal met" : "MISS"}`;
  const rows = runs.flatMap((r) => {
    const o = r.outcome;
    const shed = o.statusCodes["503"] ?? 0;
    const other = Object.entries(o.statusCodes)
      .filter(([code]) => code !== "200" && code !== "503")
      .reduce((n, [, count]) => n + count, 0);
    const load =
      `${r.connections} | ${r.maxInFlight} | ${r.latencyMs} ms | ${(o.requests2xx / r.durationSec).toFixed(0)} | ${shed} | ${other} | ` +
      `${o.errors} | ${o.timeouts} | ${o.latencyP99Ms.toFixed(0)} ms`;
    return [`| ${load} | PORT | ${probe(r.probes.main)} |`, `| ${load} | HEALTH_PORT | ${probe(r.probes.healthPort)} |`];
  });
  return [
    "| connections | MAX_IN_FLIGHT | LLM latency | answered/s | shed (503) | other non-2xx | errors | timeouts | p99 of all | /health/live on | probes | failed | p50 | p99 | max | p99 < 100 ms |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ...rows,
  ].join("\n");
}
