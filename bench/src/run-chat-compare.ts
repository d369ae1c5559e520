// The chat API against a bare Fastify handler (issue 20): the real apps/chat-api and a Fastify
// server whose POST /api/chat calls the raw openai SDK with the very request body the chat API's
// agent sends, loaded alike by autocannon from a process of its own, at 100 and 1000 connections.
// The chat API's limits are turned off (its README, "Deploying": a 0 disables each), so what is
// measured is serving, not shedding; helmet and request validation stay, as deployed.
import { performance } from "node:perf_hooks";
import { startFakeLLMServer } from "@kaizen/testing/fake-llm";
import { startChatApi, type ChatApiProcess } from "./chat-api-process.js";
import { Child } from "./child-process.js";
import type { FakeLLM } from "./fake-llm.js";
import type { LoadOutcome, LoadSpec } from "./load-child.js";
import { processCpuMs } from "./proc-cpu.js";
import { QUESTION_SENTINEL } from "./raw-chat-handler.js";

export interface ChatCompareOptions {
  /** Fake LLM latency while loaded. */
  latencyMs: number;
  connections: number[];
  durationSec: number;
  /** Requests to each server at 0 ms latency before measuring (JIT, connection pools). */
  warmupRequests: number;
}

export type ChatServerKind = "chat-api" | "raw";

export interface ChatCompareRun {
  server: ChatServerKind;
  connections: number;
  latencyMs: number;
  durationSec: number;
  outcome: LoadOutcome;
  /** The server process's CPU during the load, per answered request. */
  serverCpuMsPerRequest: number;
}

export interface ChatComparePass {
  options: ChatCompareOptions;
  /** The chat API's environment for the comparison (limits off, logs at warn). */
  chatApiEnv: Record<string, string>;
  runs: ChatCompareRun[];
}

export const CHAT_API_COMPARE_ENV: Record<string, string> = {
  RATE_LIMIT_PER_MINUTE: "0",
  MAX_IN_FLIGHT: "0",
  MAX_EVENT_LOOP_DELAY_MS: "0",
  REQUEST_TIMEOUT_MS: "60000",
  LOG_LEVEL: "warn",
};

/** The body the chat API's agent sends for one question, from a chat API pointed at a recording fake server. */
async function captureChatApiRequest(): Promise<unknown> {
  const recorder = await startFakeLLMServer({ latencyMs: 0 });
  let api: ChatApiProcess | undefined;
  try {
    api = await startChatApi(recorder.openaiBaseUrl, CHAT_API_COMPARE_ENV);
    const res = await fetch(`${api.url}/api/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: QUESTION_SENTINEL }),
    });
    if (!res.ok) throw new Error(`the chat API answered ${res.status} to the capture request: ${await res.text()}`);
    const sent = recorder.requests.filter((r) => r.path.endsWith("/chat/completions"));
    if (sent.length !== 1) throw new Error(`expected one model request from the chat API, saw ${sent.length}`);
    return sent[0]?.body;
  } finally {
    await api?.stop();
    await recorder.close();
  }
}

async function warm(url: string, requests: number): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < requests) {
      next++;
      const res = await fetch(`${url}/api/chat`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message: `warm-up ${next}` }),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`warm-up answered ${res.status}: ${text.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(10, Math.max(1, requests)) }, lane));
}

async function load(url: string, connections: number, durationSec: number): Promise<LoadOutcome> {
  const loader = new Child("load-child");
  try {
    const spec: LoadSpec = { url, connections, durationSec, timeoutSec: 10 };
    loader.send({ type: "start", spec });
    const { outcome } = await loader.waitFor<{ type: "result"; outcome: LoadOutcome }>("result", (durationSec + 60) * 1000);
    return outcome;
  } finally {
    await loader.stop();
  }
}

export async function runChatCompare(
  fake: FakeLLM,
  opts: ChatCompareOptions,
  log: (line: string) => void,
): Promise<ChatComparePass> {
  const template = await captureChatApiRequest();
  await fake.setLatency(0);
  const api = await startChatApi(fake.openaiBaseUrl, CHAT_API_COMPARE_ENV);
  const raw = new Child("chat-server-child", ["raw", fake.openaiBaseUrl, JSON.stringify(template)]);
  const t0 = performance.now();
  try {
    const { url: rawUrl } = await raw.waitFor("ready", 60_000);
    const servers: Array<{ kind: ChatServerKind; url: string; pid: number | undefined }> = [
      { kind: "raw", url: String(rawUrl), pid: raw.process.pid },
      { kind: "chat-api", url: api.url, pid: api.process.pid },
    ];
    for (const s of servers) await warm(s.url, opts.warmupRequests);
    const runs: ChatCompareRun[] = [];
    for (const [i, connections] of opts.connections.entries()) {
      // Alternate which server goes first, so drift on the machine does not always favour one.
      const order = i % 2 === 0 ? servers : [...servers].reverse();
      for (const s of order) {
        await fake.setLatency(opts.latencyMs);
        const cpu0 = processCpuMs(s.pid);
        const outcome = await load(s.url, connections, opts.durationSec);
        const cpu = processCpuMs(s.pid) - cpu0;
        await fake.setLatency(0);
        runs.push({
          server: s.kind,
          connections,
          latencyMs: opts.latencyMs,
          durationSec: opts.durationSec,
          outcome,
          serverCpuMsPerRequest: outcome.requests2xx > 0 ? cpu / outcome.requests2xx : Number.NaN,
        });
        log(
          `[bench ${((performance.now() - t0) / 1000).toFixed(0)}s] chat compare ${s.kind} at ${connections} connections: ` +
            `${outcome.requestsPerSec.toFixed(1)} req/s, p99 ${outcome.latencyP99Ms} ms, ${outcome.non2xx} non-2xx, ${outcome.errors} errors`,
        );
      }
    }
    return { options: opts, chatApiEnv: CHAT_API_COMPARE_ENV, runs };
  } finally {
    await raw.stop();
    await api.stop();
  }
}
