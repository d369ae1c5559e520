// Failures the API must answer well: a session store that is down, ids at the documented limit,
// bodies an attacker writes, clients that leave, keys that must not leak.
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MEMORY_UNAVAILABLE, REQUEST_TIMED_OUT } from "./errors.js";
import { startTestApp, TEST_API_KEY, type TestApp } from "./test-support/harness.js";

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

describe("session memory down (Redis nobody listens on)", () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    port = await closedPort();
    t = await startTestApp({ env: { REDIS_URL: `redis://:s3cret-pass@127.0.0.1:${port}` } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("a chat turn is a 503 with a fixed detail; the cause goes to the log only", async () => {
    const res = await t.app.inject({ method: "POST", url: "/api/chat/down-1", payload: { message: "What is 2+2?" } });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ detail: MEMORY_UNAVAILABLE });
    const history = await t.app.inject({ method: "GET", url: "/api/chat/down-1/history" });
    expect(history.statusCode).toBe(503);
    expect(history.json()).toEqual({ detail: MEMORY_UNAVAILABLE });
    expect(t.logs()).toContain(`127.0.0.1:${port}`);
    expect(t.logs()).not.toContain("s3cret-pass");
  });

  it("/health/ready says memory is unavailable while /health/live and /health stay 200", async () => {
    const ready = await t.app.inject({ method: "GET", url: "/health/ready" });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: "unavailable", checks: { memory: "unavailable" } });
    expect((await t.app.inject({ method: "GET", url: "/health/live" })).statusCode).toBe(200);
    expect((await t.app.inject({ method: "GET", url: "/health" })).json()).toMatchObject({ status: "ok", memory: "redis" });
  });
});

describe("requests at the edges", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });
  const post = (url: string, payload: string | object) =>
    t.app.inject({ method: "POST", url, payload, headers: { "content-type": "application/json" } });

  it("/health/ready is 200 with memory up", async () => {
    const ready = await t.app.inject({ method: "GET", url: "/health/ready" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: "ok", checks: { memory: "ok" } });
  });

  it("session ids of 101-128 characters work by path, and one created through the body reads back by id", async () => {
    const byPath = `p${"x".repeat(127)}`;
    expect((await post(`/api/chat/${byPath}`, { message: "What is 2+2?" })).statusCode).toBe(200);
    const inBody = `b${"y".repeat(119)}`;
    expect((await post("/api/chat", { message: "What is 3+3?", sessionId: inBody })).statusCode).toBe(200);
    for (const id of [byPath, inBody]) {
      const history = await t.app.inject({ method: "GET", url: `/api/chat/${id}/history` });
      expect(history.statusCode).toBe(200);
      expect(history.json<{ turns: unknown[] }>().turns).toHaveLength(1);
    }
  });

  it("a 129-character id is refused the same way by path and body, in the { detail } shape", async () => {
    const id = "z".repeat(129);
    const byPath = await post(`/api/chat/${id}`, { message: "hi" });
    const inBody = await post("/api/chat", { message: "hi", sessionId: id });
    for (const res of [byPath, inBody]) {
      expect(res.statusCode).toBe(400);
      expect(res.json<{ detail: string }>().detail).toContain("must be 1-128 characters");
    }
  });

  it("unknown body fields are a 400 naming them", async () => {
    const res = await post("/api/chat", { message: "hi", sesionId: "typo" });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ detail: string }>().detail).toContain("sesionId");
    const batch = await post("/batch", { questions: ["hi"], concurrency: 99 });
    expect(batch.statusCode).toBe(400);
    expect(batch.json<{ detail: string }>().detail).toContain("concurrency");
  });

  it("__proto__ in a body is reported as a forbidden key, not as bad JSON", async () => {
    const res = await post("/api/chat", '{"message":"hi","__proto__":{"admin":true}}');
    expect(res.statusCode).toBe(400);
    const { detail } = res.json<{ detail: string }>();
    expect(detail).toContain("__proto__");
    expect(detail).not.toMatch(/not valid JSON/i);
  });

  it("a rejected API key is a 503 without any fragment of the key", async () => {
    t.fake.fault({ type: "auth" });
    const res = await post("/api/chat", { message: "What is 2+2?" });
    expect(res.statusCode).toBe(503);
    const { detail } = res.json<{ detail: string }>();
    expect(detail).toMatch(/^Service error: /);
    for (const fragment of [TEST_API_KEY.slice(-4), TEST_API_KEY.slice(0, 8), "sk-"]) expect(detail).not.toContain(fragment);
  });

  it("a client that leaves mid-answer is logged at info as 'client closed', without a stack", async () => {
    const address = await t.app.listen({ port: 0, host: "127.0.0.1" });
    // Only this test's lines: the app is shared with the tests above, which log failures on purpose.
    const from = t.logs().length;
    const logs = () => t.logs().slice(from);
    t.fake.fault({ type: "stall" });
    const controller = new AbortController();
    const request = fetch(`${address}/api/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: "What is 2+2?" }),
      signal: controller.signal,
    }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    controller.abort();
    await request;
    const deadline = Date.now() + 5000;
    while (!logs().includes("client closed") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const lines = logs()
      .split("\n")
      .filter((line) => line.includes('"url":"/api/chat"') || line.includes("client closed"));
    const closed = lines
      .map((line) => JSON.parse(line) as { level: number; msg: string; err?: unknown })
      .filter((l) => l.msg === "client closed");
    expect(closed).toHaveLength(1);
    expect(closed[0]?.level).toBe(30);
    expect(closed[0]?.err).toBeUndefined();
    expect(logs()).not.toContain("request failed");
  });

  it("a key the vendor masked in its own error message leaves no fragment in the log", () => {
    // The auth test above made the fake answer OpenAI's "Incorrect API key provided: sk-***ghij".
    expect(t.logs()).toContain("Incorrect API key provided");
    expect(t.logs()).not.toContain(TEST_API_KEY.slice(-4));
  });
});

describe("a long session", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ runtime: { memoryMaxTokens: 1000 } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("keeps every turn but sends the model only the latest that fit the token budget", async () => {
    const ask = (message: string) =>
      t.app.inject({
        method: "POST",
        url: "/api/chat/long-session",
        payload: { message },
        headers: { "content-type": "application/json" },
      });
    for (let i = 1; i <= 6; i++) expect((await ask(`question ${i} ${"x".repeat(1500)}`)).statusCode).toBe(200);
    t.fake.clearRequests();
    expect((await ask("the last question")).statusCode).toBe(200);
    const sent = JSON.stringify(t.fake.requests.find((r) => r.path.endsWith("/chat/completions"))?.body);
    // About 400 tokens a turn: two fit in 1000, the oldest four are left out.
    expect(sent).toContain("question 6 ");
    expect(sent).not.toContain("question 1 ");
    expect(sent.length).toBeLessThan(8000);
    const history = (await t.app.inject({ method: "GET", url: "/api/chat/long-session/history" })).json<{ turns: unknown[] }>();
    expect(history.turns).toHaveLength(7);
  });
});

describe("a request past its deadline", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ app: { requestTimeoutMs: 600 } });
    // Stands for time spent before the handler (a rate-limit check on a slow Redis, a slow body).
    t.app.addHook("onRequest", async (request) => {
      const hold = Number(request.headers["x-test-hold-ms"] ?? 0);
      if (hold > 0) await new Promise((r) => setTimeout(r, hold));
    });
  });
  afterAll(async () => {
    await t?.close();
  });
  const ask = (headers: Record<string, string> = {}) =>
    t.app.inject({
      method: "POST",
      url: "/api/chat/late-1",
      payload: { message: "What is 2+2?" },
      headers: { "content-type": "application/json", ...headers },
    });

  it("is a 503 with the fixed timeout detail, not the run's advice to a developer", async () => {
    t.fake.fault({ type: "stall" });
    const started = performance.now();
    const res = await ask();
    expect(performance.now() - started).toBeLessThan(1600);
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ detail: REQUEST_TIMED_OUT });
    // The log keeps the developer's message: the run's budget, or the provider's (it gets the time
    // left, so on a loaded machine either deadline may fire first).
    expect(t.logs()).toMatch(/took longer than its \d+ ms budget|did not finish within its time budget of \d+ ms/);
  });

  it("counts the time before the handler: the answer still comes within REQUEST_TIMEOUT_MS", async () => {
    t.fake.fault({ type: "stall" });
    const started = performance.now();
    const res = await ask({ "x-test-hold-ms": "400" });
    const ms = performance.now() - started;
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ detail: REQUEST_TIMED_OUT });
    // 600 ms from arrival, not 400 ms held + a fresh 600 ms for the run.
    expect(ms).toBeGreaterThanOrEqual(550);
    expect(ms).toBeLessThan(900);
  });
});
