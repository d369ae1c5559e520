// The real chat API (apps/chat-api, as `npm start` runs it) at 2000 connections: does it shed what
// it cannot serve (503 + Retry-After, at once) and keep /health/live answering? The server talks to
// the bench's fake LLM process at 500 ms; the load comes from its own process (load-child.ts).
import { startChatApi } from "./chat-api-process.js";
import { Child } from "./child-process.js";
import type { FakeLLM } from "./fake-llm.js";
import type { LoadOutcome, LoadSpec } from "./load-child.js";

export interface SheddingOptions {
  connections: number;
  durationSec: number;
  latencyMs: number;
}

export interface SheddingRun extends SheddingOptions {
  /** The server's MAX_IN_FLIGHT: requests past it get 503 + Retry-After. */
  maxInFlight: number;
  outcome: LoadOutcome;
}

export async function runShedding(fake: FakeLLM, opts: SheddingOptions, maxInFlight = 512): Promise<SheddingRun> {
  // One client (this machine) makes every request: the per-client limit is not what is measured.
  const server = await startChatApi(fake.openaiBaseUrl, { RATE_LIMIT_PER_MINUTE: "0", MAX_IN_FLIGHT: String(maxInFlight) });
  let loader: Child | undefined;
  try {
    await fake.setLatency(opts.latencyMs);
    loader = new Child("load-child");
    const spec: LoadSpec = {
      url: server.url,
      connections: opts.connections,
      durationSec: opts.durationSec,
      timeoutSec: 10,
      healthPath: "/health/live",
    };
    loader.send({ type: "start", spec });
    const { outcome } = await loader.waitFor<{ type: "result"; outcome: LoadOutcome }>("result", (opts.durationSec + 60) * 1000);
    return { ...opts, maxInFlight, outcome };
  } finally {
    await loader?.stop();
    await server.stop();
  }
}

/** The bench row: what a liveness probe saw and how every request ended. */
export function sheddingTable(runs: readonly SheddingRun[]): string {
  const rows = runs.map((r) => {
    const o = r.outcome;
    const shed = o.statusCodes["503"] ?? 0;
    const other = Object.entries(o.statusCodes)
      .filter(([code]) => code !== "200" && code !== "503")
      .reduce((n, [, count]) => n + count, 0);
    return (
      `| ${r.connections} | ${r.maxInFlight} | ${r.latencyMs} ms | ${(o.requests2xx / r.durationSec).toFixed(0)} | ${shed} | ${other} | ` +
      `${o.errors} | ${o.timeouts} | ${o.latencyP99Ms.toFixed(0)} ms | ${o.healthProbes} | ${o.healthP50Ms.toFixed(1)} ms | ` +
      `${o.healthP99Ms.toFixed(1)} ms | ${o.healthMaxMs.toFixed(1)} ms |`
    );
  });
  return [
    "| connections | MAX_IN_FLIGHT | LLM latency | answered/s | shed (503) | other non-2xx | errors | timeouts | p99 of all | /health/live probes | p50 | p99 | max |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
  ].join("\n");
}
