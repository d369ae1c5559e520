import { setTimeout as sleep } from "node:timers/promises";
import { Child } from "./child-process.js";
import type { FakeLLM } from "./fake-llm.js";
import type { LoadOutcome, LoadSpec } from "./load-child.js";
import { processCpuMs } from "./proc-cpu.js";

export interface LoadRun {
  endpoint: "async" | "sync";
  latencyMs: number;
  connections: number;
  durationSec: number;
  outcome: LoadOutcome;
  /** The chat server's CPU during the load, per successful request. */
  serverCpuMsPerRequest: number;
}

export interface LoadOptions {
  latencyMs: number;
  connections: number;
  durationSec: number;
}

/** Starts the chat server, retrying a start that died (a sibling's dist may be mid-rebuild). */
async function startServer(endpoint: "async" | "sync", llmBaseUrl: string): Promise<{ server: Child; url: unknown }> {
  for (let attempt = 1; ; attempt++) {
    const server = new Child("chat-server-child", [endpoint, llmBaseUrl]);
    try {
      const { url } = await server.waitFor("ready", 60_000);
      return { server, url };
    } catch (err) {
      await server.stop();
      if (attempt >= 3) throw err;
      await sleep(5_000);
    }
  }
}

/** Starts the chat server (one endpoint mode) and loads it from a second process over loopback. */
export async function runLoad(fake: FakeLLM, endpoint: "async" | "sync", opts: LoadOptions): Promise<LoadRun> {
  await fake.setLatency(0);
  const { server, url } = await startServer(endpoint, fake.openaiBaseUrl);
  let loader: Child | undefined;
  try {
    // One request to warm the route and open the first LLM connection.
    const warm = await fetch(`${String(url)}/api/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: "warm-up" }),
    });
    if (!warm.ok) throw new Error(`chat server warm-up answered ${warm.status}: ${await warm.text()}`);
    await fake.setLatency(opts.latencyMs);
    const cpuBefore = processCpuMs(server.process.pid);
    loader = new Child("load-child");
    const spec: LoadSpec = {
      url: String(url),
      connections: opts.connections,
      durationSec: opts.durationSec,
      timeoutSec: Math.max(10, opts.durationSec * 2),
    };
    loader.send({ type: "start", spec });
    const { outcome } = await loader.waitFor<{ type: "result"; outcome: LoadOutcome }>("result", (opts.durationSec + 60) * 1000);
    // Read from outside: the sync server is still blocked draining queued requests.
    const cpuAfter = processCpuMs(server.process.pid);
    return {
      endpoint,
      latencyMs: opts.latencyMs,
      connections: opts.connections,
      durationSec: opts.durationSec,
      outcome,
      serverCpuMsPerRequest: outcome.requests2xx > 0 ? (cpuAfter - cpuBefore) / outcome.requests2xx : Number.NaN,
    };
  } finally {
    await loader?.stop();
    // A blocked sync server would drain its queue for connections x latency: no need to wait.
    await server.stop(endpoint === "sync" ? 500 : 5_000);
  }
}
