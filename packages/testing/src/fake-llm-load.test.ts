// Load: the fake server is the floor of the benchmarks, so it must answer many requests at once
// in about one latency and hold thousands of keep-alive connections. These run in one file, in
// order, so the heavy cases never overlap the timed one.
import { Agent, request } from "node:http";
import OpenAI from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startFakeLLMServer } from "./fake-llm-server.js";
import type { FakeLLMServer } from "./fake-llm-types.js";

let server: FakeLLMServer;
let client: OpenAI;
beforeAll(async () => {
  server = await startFakeLLMServer();
  client = new OpenAI({ apiKey: "sk-load-test-000000000000", baseURL: server.openaiBaseUrl, maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
});

// A timing on a shared 2-core machine: a retry absorbs a burst from another process; a server
// that answered requests one after another (100 x 200 ms) fails every attempt.
it("answers 100 concurrent requests at 200 ms latency in under 3 latencies (real openai client)", { retry: 2 }, async () => {
  server.setLatency(0);
  // Warm the client's code paths and open its 100 keep-alive connections, so the timing is about
  // the server answering concurrently rather than about TCP handshakes and JIT warm-up.
  await Promise.all(
    Array.from({ length: 100 }, () =>
      client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "warm up" }] }),
    ),
  );
  server.setLatency(200);
  const started = Date.now();
  const results = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      client.chat.completions.create({ model: "m", messages: [{ role: "user", content: `What is ${i}+1?` }] }),
    ),
  );
  const elapsed = Date.now() - started;
  results.forEach((r, i) => expect(r.choices[0]?.message.content).toContain(String(i + 1)));
  console.info(`100 concurrent requests at 200 ms latency: ${elapsed} ms`);
  expect(elapsed).toBeGreaterThanOrEqual(195);
  expect(elapsed).toBeLessThan(600);
});

it("answers 1000 concurrent requests, all successfully (real openai client)", async () => {
  server.setLatency(50);
  server.clearRequests();
  const started = Date.now();
  const results = await Promise.allSettled(
    Array.from({ length: 1000 }, (_, i) =>
      client.chat.completions.create({ model: "m", messages: [{ role: "user", content: `q${i}` }] }),
    ),
  );
  console.info(`1000 concurrent requests at 50 ms latency: ${Date.now() - started} ms`);
  expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1000);
  expect(server.requests).toHaveLength(1000);
}, 30_000);

function post(agent: Agent, i: number): Promise<{ status: number; body: string; socket: unknown }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ model: "m", messages: [{ role: "user", content: `What is ${i} + 1?` }] });
    const req = request(
      `${server.openaiBaseUrl}/chat/completions`,
      { method: "POST", agent, headers: { "content-type": "application/json", authorization: "Bearer sk-load-test-000000" } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, socket: req.socket }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

it("serves 2000 concurrent keep-alive connections, then reuses them", async () => {
  server.setLatency(300);
  const agent = new Agent({ keepAlive: true, maxSockets: 2000, maxFreeSockets: 2000 });
  try {
    const started = Date.now();
    const first = await Promise.all(Array.from({ length: 2000 }, (_, i) => post(agent, i)));
    console.info(`2000 concurrent keep-alive connections at 300 ms latency: ${Date.now() - started} ms`);
    expect(first.every((r) => r.status === 200)).toBe(true);
    first.forEach((r, i) => expect(r.body).toContain(`= ${i + 1}"`));
    // One socket per request: all 2000 were open at once.
    expect(new Set(first.map((r) => r.socket)).size).toBe(2000);
    const second = await Promise.all(Array.from({ length: 2000 }, (_, i) => post(agent, i)));
    expect(second.every((r) => r.status === 200)).toBe(true);
    const firstSockets = new Set(first.map((r) => r.socket));
    expect(second.filter((r) => firstSockets.has(r.socket)).length).toBeGreaterThan(1900);
  } finally {
    agent.destroy();
  }
}, 30_000);
