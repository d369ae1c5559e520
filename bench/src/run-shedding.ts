// The real chat API (apps/chat-api, as `npm start` runs it) at 2000 connections: does it shed what
// it cannot serve (503 + Retry-After, at once) and keep /health/live answering? The server talks to
// the bench's fake LLM process at 500 ms; the load comes from its own process (load-child.ts).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
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

const mainJs = fileURLToPath(new URL("../../apps/chat-api/dist/main.js", import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  return typeof address === "object" && address ? address.port : 0;
}

export async function runShedding(fake: FakeLLM, opts: SheddingOptions, maxInFlight = 512): Promise<SheddingRun> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "kaizen-bench-shed-"));
  const server = spawn(process.execPath, [mainJs], {
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("npm_") && k !== "INIT_CWD")),
      OPENAI_API_KEY: "sk-bench-not-a-real-key",
      OPENAI_BASE_URL: fake.openaiBaseUrl,
      ANTHROPIC_API_KEY: "",
      REDIS_URL: "",
      DATABASE_URL: "",
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      LOG_FORMAT: "json",
      KAIZEN_DATA_DIR: dataDir,
      // One client (this machine) makes every request: the per-client limit is not what is measured.
      RATE_LIMIT_PER_MINUTE: "0",
      MAX_IN_FLIGHT: String(maxInFlight),
    },
  });
  const url = `http://127.0.0.1:${port}`;
  let loader: Child | undefined;
  try {
    for (let i = 0; ; i++) {
      if (server.exitCode !== null) throw new Error(`the chat API exited with ${server.exitCode} before it was up`);
      const up = await fetch(`${url}/health/live`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      if (i > 300) throw new Error("the chat API did not come up in 30 s");
      await sleep(100);
    }
    await fake.setLatency(opts.latencyMs);
    loader = new Child("load-child");
    const spec: LoadSpec = {
      url,
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
    server.kill("SIGTERM");
    await Promise.race([once(server, "exit"), sleep(15_000)]);
    if (server.exitCode === null) server.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
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
