// Retries, rejections, cancel and the queue-wide 429 pause, with workers in this process (each its
// own KaizenQueue, so its own Redis connections) running a real BaseAgent against the fake server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BaseAgent, BaseAgentConfig } from "@kaizen/core";
import { startFakeLLMServer } from "@kaizen/testing";
import type { FakeLLMServer, RecordedRequest } from "@kaizen/testing";
import { KaizenQueue } from "./index.js";
import type { KaizenQueueOptions } from "./index.js";
import { isolatedPrefix, REDIS_URL } from "./__fixtures__/isolated-queue.js";
import { QASignature, questions } from "./__fixtures__/qa-signature.js";
import type { QAInputs, QAOutputs } from "./__fixtures__/qa-signature.js";

const prefix = isolatedPrefix("errors");
let server: FakeLLMServer;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  server = await startFakeLLMServer();
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await server.close();
});

function makeAgent(latencyMs = 2) {
  const agent = new BaseAgent({
    config: new BaseAgentConfig({
      llmProvider: "openai",
      model: "gpt-4o-mini",
      apiKey: "sk-fake-kaizen-queue-test-0002",
      baseUrl: server.openaiBaseUrl,
      useAsyncLlm: true,
      maxRetries: 0,
      providerOptions: { defaultHeaders: { "x-fake-latency-ms": String(latencyMs) } },
    }),
    signature: new QASignature(),
  });
  closers.push(() => agent.close());
  return agent;
}

function openQueue(name: string, extra: Partial<KaizenQueueOptions> = {}) {
  const queue = new KaizenQueue<QAInputs, QAOutputs>({ name, connection: REDIS_URL, prefix, ...extra });
  closers.push(() => queue.close());
  return queue;
}

const asks = (request: RecordedRequest, i: number) => JSON.stringify(request.body).includes(`What is ${i} + 1000?`);
const requestsFor = (i: number) => server.requests.filter((r) => r.path.endsWith("/chat/completions") && asks(r, i));

describe("KaizenQueue errors and control", () => {
  it("a non-retryable error settles as rejected at once; a retryable one is retried with backoff", async () => {
    const queue = openQueue("retries", { attempts: 3, backoff: { baseDelayMs: 20, maxDelayMs: 50 } });
    await queue.work(makeAgent(), { concurrency: 4 });
    server.clearRequests();
    server.resetScript();
    server.fault({ type: "auth" }, { match: (r) => asks(r, 7) });
    server.fault({ type: "server_error", status: 503 }, { match: (r) => asks(r, 3), times: 2 });
    server.fault({ type: "server_error", status: 500 }, { match: (r) => asks(r, 5), times: 10 });
    const batchId = await queue.submit(questions(12));
    const results = await queue.results(batchId, { pollIntervalMs: 20 });

    expect(results).toHaveLength(12);
    expect(results[7]).toEqual({
      status: "rejected",
      reason: expect.objectContaining({
        name: "AuthenticationError",
        code: "authentication_error",
        retryable: false,
        status: 401,
      }),
    });
    expect(requestsFor(7)).toHaveLength(1);
    expect(results[3]?.status).toBe("fulfilled");
    expect(requestsFor(3)).toHaveLength(3);
    expect(results[5]).toMatchObject({ status: "rejected", reason: { name: "ProviderError", retryable: true, status: 500 } });
    expect(requestsFor(5)).toHaveLength(3);
    results.forEach((r, i) => {
      if (![5, 7].includes(i)) expect(r.status === "fulfilled" && r.value.answer).toContain(`= ${i + 1000}`);
    });
    expect(await queue.progress(batchId)).toMatchObject({ total: 12, done: 12, failed: 2, inFlight: 0 });
  });

  it("a session's item that fails for good settles rejected, and the session goes on in order", async () => {
    const queue = openQueue("session-reject", { attempts: 2, backoff: { baseDelayMs: 20, maxDelayMs: 50 } });
    await queue.work(makeAgent(), { concurrency: 4 });
    server.clearRequests();
    server.resetScript();
    server.fault({ type: "auth" }, { match: (r) => asks(r, 4) });
    server.fault({ type: "server_error", status: 500 }, { match: (r) => asks(r, 6), times: 2 });
    // Session "even" is items 0, 2, 4, ..., 10; the odd items have none.
    const batchId = await queue.submit(questions(12), { sessionId: (_, i) => (i % 2 === 0 ? "even" : undefined) });
    const results = await queue.results(batchId, { pollIntervalMs: 20 });
    expect(results[4]).toMatchObject({ status: "rejected", reason: { code: "authentication_error" } });
    expect(results[6]).toMatchObject({ status: "rejected", reason: { retryable: true, status: 500 } });
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(10);
    // By the last user message: a session's earlier turns come before it in the prompt.
    const order = server.requests
      .filter((r) => r.path.endsWith("/chat/completions"))
      .map((r) => (r.body as { messages: { role: string; content: string }[] }).messages.filter((m) => m.role === "user").at(-1))
      .map((m) => Number(/What is (\d+) \+ 1000/.exec(m?.content ?? "")?.[1]))
      .filter((i) => i % 2 === 0);
    expect(order).toEqual([0, 2, 4, 6, 6, 8, 10]);
  });

  it("cancel settles every item not yet settled as AbortError; no worker runs them afterwards", async () => {
    const queue = openQueue("cancel");
    // Half of them in sessions, so most of those are not even queued yet when the cancel comes.
    const batchId = await queue.submit(questions(40), { sessionId: (_, i) => (i < 20 ? `s${i % 3}` : undefined) });
    await queue.cancel(batchId);
    const results = await queue.results(batchId);
    expect(results).toHaveLength(40);
    expect(results.every((r) => r.status === "rejected" && r.reason.code === "aborted")).toBe(true);
    expect(await queue.progress(batchId)).toMatchObject({ done: 40, failed: 40, cancelled: true });
    server.clearRequests();
    server.resetScript();
    await queue.work(makeAgent(), { concurrency: 4 });
    await new Promise((r) => setTimeout(r, 300));
    expect(server.requests.filter((r) => r.path.endsWith("/chat/completions"))).toHaveLength(0);
  });

  it("a 429 with Retry-After pauses every worker of the queue, then the item runs again", async () => {
    const name = "pause";
    const [a, b] = [openQueue(name), openQueue(name)];
    await Promise.all([a.work(makeAgent(5), { concurrency: 2 }), b.work(makeAgent(5), { concurrency: 2 })]);
    server.clearRequests();
    server.resetScript();
    server.fault({ type: "rate_limit", retryAfterMs: 1_000 }, { match: (r) => asks(r, 10) });
    const batchId = await a.submit(questions(40));
    const results = await b.results(batchId, { pollIntervalMs: 20 });

    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    const [limited, retried] = requestsFor(10);
    expect(retried).toBeDefined();
    const pausedFrom = (limited as RecordedRequest).receivedAt;
    // Requests already on the wire when the 429 came back may land just after it; none later,
    // from either worker, until the pause is over.
    const duringPause = server.requests.filter((r) => r.receivedAt > pausedFrom + 150 && r.receivedAt < pausedFrom + 900);
    expect(duringPause).toHaveLength(0);
    expect((retried as RecordedRequest).receivedAt - pausedFrom).toBeGreaterThanOrEqual(900);
  });
});
