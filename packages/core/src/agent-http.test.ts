// The agent over real HTTP: the real OpenAIProvider (openai SDK, worker-thread bridge for run())
// against the fake LLM server. run() blocks this thread, so its tests (and the timing tests, to
// keep the server's CPU off the measured thread) use the server on a worker thread; tests that
// script a fault for one particular question use the in-process server and its `match`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { BufferMemory, MemoryBusyError, RedisMemory, SqliteMemory } from "@kaizen/memory";
import type { Memory } from "@kaizen/memory";
import { QASignature } from "./__fixtures__/local.js";
import { startFakeLLMServer, startFakeLLMServerThread } from "@kaizen/testing";
import type { FakeLLMServer, FakeLLMServerThread, RecordedRequest } from "@kaizen/testing";
import {
  ASYNC_MODE_MESSAGE,
  AbortError,
  AuthenticationError,
  BaseAgent,
  BaseAgentConfig,
  ConfigurationError,
  TimeoutError,
  getRunInfo,
} from "./index.js";
import type { BaseAgentConfigOptions, RetryEvent } from "./index.js";

const FAKE_KEY = "sk-fake-kaizen-core-test-0001";
let server: FakeLLMServer;
let thread: FakeLLMServerThread;
const agents: BaseAgent<QASignature>[] = [];

beforeAll(async () => {
  [server, thread] = await Promise.all([startFakeLLMServer(), startFakeLLMServerThread()]);
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  await Promise.all([server.close(), thread.close()]);
});

function makeAgent(
  options: Partial<BaseAgentConfigOptions> & { latencyMs?: number; memory?: Memory; on?: "thread" | "inproc" } = {},
) {
  const { latencyMs, memory, on = "inproc", ...configOptions } = options;
  const config = new BaseAgentConfig({
    llmProvider: "openai",
    model: "gpt-4o-mini",
    apiKey: FAKE_KEY,
    baseUrl: on === "thread" ? thread.openaiBaseUrl : server.openaiBaseUrl,
    useAsyncLlm: true,
    // Per-agent latency (a request header the fake server honours), so tests do not share a setting.
    providerOptions: latencyMs === undefined ? {} : { defaultHeaders: { "x-fake-latency-ms": String(latencyMs) } },
    ...configOptions,
  });
  const agent = new BaseAgent({ config, signature: new QASignature(), memory });
  agents.push(agent);
  return agent;
}

const chatRequests = (requests: RecordedRequest[], containing: string): RecordedRequest[] =>
  requests.filter((r) => r.path.endsWith("/chat/completions") && JSON.stringify(r.body).includes(containing));
type Body = { messages: { role: string; content: string }[] };

describe("BaseAgent over HTTP (OpenAI provider, fake LLM server)", () => {
  it("useAsyncLlm defaults to false, and runAsync then rejects with the seed's message; the server received nothing", async () => {
    const agent = makeAgent({ useAsyncLlm: undefined });
    expect(agent.config.useAsyncLlm).toBe(false);
    const before = server.requests.length;
    const error = await agent.runAsync({ question: "Hello" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe(`Agent not configured for async mode.
Set useAsyncLlm: true in BaseAgentConfig:

const config = new BaseAgentConfig({
  llmProvider: 'openai',
  model: 'gpt-4',
  useAsyncLlm: true, // Enable async mode
});`);
    expect((error as Error).message).toBe(ASYNC_MODE_MESSAGE);
    expect(server.requests.length).toBe(before);
  });

  it("a non-boolean useAsyncLlm is rejected", () => {
    expect(() => makeAgent({ useAsyncLlm: "true" as never })).toThrow(/^useAsyncLlm must be a boolean/);
  });

  it("run() (sync, default config) and runAsync() return deep-equal results for the same input", async () => {
    const syncAgent = makeAgent({ useAsyncLlm: false, on: "thread" });
    const asyncAgent = makeAgent({ on: "thread" });
    const viaRun = syncAgent.run({ question: "What is 2+2?" });
    expect(viaRun).not.toBeInstanceOf(Promise);
    const viaRunAsync = await asyncAgent.runAsync({ question: "What is 2+2?" });
    expect(viaRun).toEqual(viaRunAsync);
    expect(viaRun.answer).toContain("4");
    expect(typeof viaRun.confidence).toBe("number");
    expect(Object.keys(viaRunAsync).sort()).toEqual(["answer", "confidence"]);
    const info = getRunInfo(viaRunAsync)!;
    expect(info).toMatchObject({ attempts: 1, structuredOutput: "json_schema" });
    expect(info.usage.totalTokens).toBeGreaterThan(0);
    expect(info.requestIds).toHaveLength(1);
    expect(getRunInfo(viaRun)?.mode).toBe("sync");
  });

  // Queued calls would take n latencies; "in flight together" is proved by a bound far below that
  // (3 latencies at 10, 10 at 100) without timing the machine: speed itself is `pnpm bench`'s job.
  it.each([10, 100])("%i concurrent runAsync calls on one agent at 200 ms latency overlap (far under n latencies)", async (n) => {
    const agent = makeAgent({ latencyMs: 200, on: "thread" });
    // Warm the client's keep-alive pool first: this measures steady-state concurrency.
    await Promise.all(Array.from({ length: n }, (_, i) => agent.runAsync({ question: `warm-up ${i}` })));
    // One "latency" is what a single call takes end to end here and now (at least the server's
    // 200 ms): on a loaded machine the client's own time grows, and a fixed 600 ms would then
    // measure the machine, not whether the calls overlap. Queued calls would take n latencies.
    const single = performance.now();
    await agent.runAsync({ question: "a single call" });
    const latency = Math.max(200, performance.now() - single);
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: n }, (_, i) => agent.runAsync({ question: `What is ${i}+1?` })));
    const elapsed = performance.now() - started;
    expect(results).toHaveLength(n);
    results.forEach((result, i) => expect(result.answer).toContain(String(i + 1)));
    console.info(
      `[core] ${n} concurrent runAsync at 200 ms latency: ${elapsed.toFixed(0)} ms (one call: ${latency.toFixed(0)} ms)`,
    );
    expect(elapsed).toBeLessThan(Math.max(3, n / 10) * latency);
  });

  it("1000 concurrent runAsync calls all succeed", async () => {
    const agent = makeAgent({ latencyMs: 200, on: "thread" });
    const started = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: 1000 }, (_, i) => agent.runAsync({ question: `Question ${i}` })),
    );
    const elapsed = performance.now() - started;
    console.info(`[core] 1000 concurrent runAsync at 200 ms latency: ${elapsed.toFixed(0)} ms`);
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
  }, 60_000);

  it("a timer ticking every 10 ms keeps ticking during runAsync and does not tick during run", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    try {
      const asyncAgent = makeAgent({ latencyMs: 200, on: "thread" });
      ticks = 0;
      await asyncAgent.runAsync({ question: "tick tock?" });
      const duringRunAsync = ticks;

      const syncAgent = makeAgent({ useAsyncLlm: false, latencyMs: 200, on: "thread" });
      ticks = 0;
      const started = performance.now();
      syncAgent.run({ question: "tick tock?" });
      const blockedFor = performance.now() - started;
      const duringRun = ticks;
      console.info(
        `[core] timer ticks: ${duringRunAsync} during runAsync, ${duringRun} during run (blocked ${blockedFor.toFixed(0)} ms)`,
      );
      expect(duringRunAsync).toBeGreaterThanOrEqual(5);
      expect(blockedFor).toBeGreaterThanOrEqual(190);
      expect(duringRun).toBe(0);
    } finally {
      clearInterval(timer);
    }
  });

  it("an invalid first answer (schema_violation) is re-asked once; the valid second answer is returned with attempts 2", async () => {
    const agent = makeAgent();
    server.fault({ type: "schema_violation" }, { match: (r) => JSON.stringify(r.body).includes("reask me please") });
    const result = await agent.runAsync({ question: "reask me please" });
    expect(getRunInfo(result)?.attempts).toBe(2);
    expect(result.confidence).toBeGreaterThanOrEqual(0);
    const sent = chatRequests(server.requests, "reask me please");
    expect(sent).toHaveLength(2);
    const messages = (sent[1]!.body as Body).messages;
    expect(messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(messages[3]!.content).toContain("answer");
  });

  it("run() re-asks too, over the sync bridge, after a scripted invalid reply", async () => {
    const agent = makeAgent({ useAsyncLlm: false, on: "thread" });
    await thread.reply({ answer: "four", confidence: 42 }, { path: "/v1/chat/completions" });
    const result = agent.run({ question: "sync reask" });
    expect(getRunInfo(result)?.attempts).toBe(2);
    expect(result.confidence).toBeLessThanOrEqual(1);
    const sent = chatRequests(await thread.requests(), "sync reask");
    expect(sent).toHaveLength(2);
    expect((sent[1]!.body as Body).messages[2]!.content).toBe(JSON.stringify({ answer: "four", confidence: 42 }));
  });

  it("a session's second question carries the first turn to the provider (run and runAsync share memory)", async () => {
    const memory = new BufferMemory();
    const agent = makeAgent({ memory, on: "thread" });
    const sessionId = `http-session-${Date.now()}`;
    const first = await agent.runAsync({ question: "My favourite colour is teal." }, { sessionId });
    agent.run({ question: "What is my favourite colour?" }, { sessionId });
    const sent = chatRequests(await thread.requests(), "My favourite colour is teal.");
    expect(sent).toHaveLength(2);
    const messages = (sent[1]!.body as Body).messages;
    expect(messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(messages[1]!.content).toContain("My favourite colour is teal.");
    expect(JSON.parse(messages[2]!.content)).toEqual(first);
    expect(messages[3]!.content).toContain("What is my favourite colour?");
    expect(JSON.stringify(sent.map((r) => r.body))).not.toContain(sessionId);
    expect(memory.load(sessionId).turns).toHaveLength(2);
  });

  it("batchAsync with one scripted 401 among 50 returns 49 values and one error, in order", async () => {
    const agent = makeAgent({ latencyMs: 20 });
    server.fault({ type: "auth" }, { match: (r) => JSON.stringify(r.body).includes("batch question 17?") });
    const inputs = Array.from({ length: 50 }, (_, i) => ({ question: `batch question ${i}?` }));
    const progress: number[] = [];
    const results = await agent.batchAsync(inputs, { concurrency: 10, onProgress: ({ done }) => progress.push(done) });
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(49);
    const failure = results[17]!;
    expect(failure.status).toBe("rejected");
    expect(failure.status === "rejected" && failure.reason).toBeInstanceOf(AuthenticationError);
    expect(JSON.stringify(failure.status === "rejected" && (failure.reason as Error).message)).not.toContain(FAKE_KEY);
    results.forEach((r, i) => {
      if (i !== 17) expect(r.status === "fulfilled" && r.value.answer).toContain(`batch question ${i}`);
    });
    expect(progress.at(-1)).toBe(50);
  });

  it("a stalled answer ends in a TimeoutError within the run's timeoutMs", async () => {
    const agent = makeAgent({ maxRetries: 0 });
    server.fault({ type: "stall" }, { match: (r) => JSON.stringify(r.body).includes("stall me") });
    const started = performance.now();
    const error = await agent.runAsync({ question: "stall me" }, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it("aborting the signal rejects the run with AbortError", async () => {
    const agent = makeAgent({ latencyMs: 2000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    const error = await agent.runAsync({ question: "abort me" }, { signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it("provider retries (a 429 with Retry-After) reach onRetry and the run info", async () => {
    const retries: RetryEvent[] = [];
    const config = new BaseAgentConfig({
      model: "gpt-4o-mini",
      apiKey: FAKE_KEY,
      baseUrl: server.openaiBaseUrl,
      useAsyncLlm: true,
    });
    const agent = new BaseAgent({ config, signature: new QASignature(), hooks: { onRetry: (e) => void retries.push(e) } });
    agents.push(agent);
    server.fault({ type: "rate_limit", retryAfterMs: 20 }, { match: (r) => JSON.stringify(r.body).includes("rate limit me") });
    const result = await agent.runAsync({ question: "rate limit me" });
    expect(getRunInfo(result)).toMatchObject({ attempts: 1, providerAttempts: 2 });
    expect(retries).toEqual([expect.objectContaining({ kind: "provider", attempt: 2, runId: 1 })]);
  });

  it("hooks run around run() over the sync bridge too", () => {
    const calls: string[] = [];
    const config = new BaseAgentConfig({ model: "gpt-4o-mini", apiKey: FAKE_KEY, baseUrl: thread.openaiBaseUrl });
    const agent = new BaseAgent({
      config,
      signature: new QASignature(),
      hooks: {
        beforeRun: (e) => void calls.push(`before:${e.mode}`),
        afterRun: (e) => void calls.push(`after:${e.info.attempts}`),
      },
    });
    agents.push(agent);
    agent.run({ question: "What is 3+3?" });
    expect(calls).toEqual(["before:sync", "after:1"]);
  });

  it("with RedisMemory (async only): run() fails at once saying to use runAsync; runAsync carries the session", async () => {
    const memory = new RedisMemory({ keyPrefix: `kaizen-core-test-${process.pid}-${Date.now()}:` });
    try {
      const syncAgent = makeAgent({ useAsyncLlm: false, memory });
      expect(() => syncAgent.run({ question: "Hi" }, { sessionId: "redis-1" })).toThrow(
        /The redis memory has no synchronous API, so run\(\) cannot use it\. Fix: use await agent\.runAsync\(\.\.\.\) \(with useAsyncLlm: true in BaseAgentConfig\)/,
      );
      const agent = makeAgent({ memory });
      await agent.runAsync({ question: "Remember the number 31337." }, { sessionId: "redis-1" });
      await agent.runAsync({ question: "Which number did I mention?" }, { sessionId: "redis-1" });
      const sent = chatRequests(server.requests, "Which number did I mention?");
      expect(JSON.stringify(sent[0]!.body)).toContain("Remember the number 31337.");
      expect((await memory.loadAsync("redis-1")).turns).toHaveLength(2);
    } finally {
      await memory.clearAsync("redis-1");
      await memory.close();
    }
  });

  it("with the SQLite file locked by another writer, the run fails typed before the model is asked", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kaizen-core-lock-"));
    const path = join(dir, "memory.db");
    const memory = new SqliteMemory({ path, busyTimeoutMs: 200 });
    const other = new Database(path);
    other.prepare("BEGIN IMMEDIATE").run();
    try {
      const agent = makeAgent({ memory });
      const error = await agent.runAsync({ question: "locked file question" }, { sessionId: "locked" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MemoryBusyError);
      expect((error as Error).message).toMatch(/busyTimeoutMs/);
      const sync = makeAgent({ memory, useAsyncLlm: false, on: "thread" });
      expect(() => sync.run({ question: "locked file question" }, { sessionId: "locked" })).toThrow(MemoryBusyError);
      // Nothing was bought: the model never saw the question.
      expect(chatRequests(server.requests, "locked file question")).toEqual([]);
      expect(chatRequests(await thread.requests(), "locked file question")).toEqual([]);
      other.prepare("ROLLBACK").run();
      const answered = await agent.runAsync({ question: "locked file question" }, { sessionId: "locked" });
      expect(answered.answer).toBeTruthy();
      expect((await memory.loadAsync("locked")).turns).toHaveLength(1);
    } finally {
      if (other.inTransaction) other.prepare("ROLLBACK").run();
      other.close();
      await memory.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("memoryMaxTokens keeps the prompt bounded: only the latest turns that fit are sent", async () => {
    const memory = new BufferMemory();
    const agent = makeAgent({ memory, memoryMaxTokens: 300 });
    const long = (tag: string) => `${tag} ${"x".repeat(600)}`;
    for (const tag of ["turn-one", "turn-two", "turn-three"])
      await agent.runAsync({ question: long(tag) }, { sessionId: "bounded-tokens" });
    await agent.runAsync({ question: "bounded tokens last question" }, { sessionId: "bounded-tokens" });
    const sent = JSON.stringify(chatRequests(server.requests, "bounded tokens last question")[0]!.body);
    expect(sent).toContain("turn-three");
    expect(sent).not.toContain("turn-one");
    expect((await memory.loadAsync("bounded-tokens")).turns).toHaveLength(4);
  });

  it("with SqliteMemory: run() keeps a session that a new agent (and a reopened file) still sees", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kaizen-core-"));
    const path = join(dir, "memory.db");
    try {
      const first = new SqliteMemory({ path });
      makeAgent({ useAsyncLlm: false, memory: first, on: "thread" }).run(
        { question: "My city is Lisbon." },
        { sessionId: "sqlite-1" },
      );
      await first.close();
      const reopened = new SqliteMemory({ path });
      makeAgent({ useAsyncLlm: false, memory: reopened, on: "thread" }).run(
        { question: "Which city is mine?" },
        { sessionId: "sqlite-1" },
      );
      const sent = chatRequests(await thread.requests(), "Which city is mine?");
      expect(JSON.stringify(sent[0]!.body)).toContain("My city is Lisbon.");
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
