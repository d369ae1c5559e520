// The abuse limits over the real app: keys, key-bound sessions, the rate limit, shedding, headers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./test-support/harness.js";

const KEY_A = "key-a-0123456789abcdef";
const KEY_B = "key-b-0123456789abcdef";

describe("CHAT_API_KEYS and the rate limit", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ app: { apiKeys: [KEY_A, KEY_B], rateLimitPerMinute: 5 } });
  });
  afterAll(async () => {
    await t?.close();
  });
  const chat = (key: string | undefined, url: string, payload: object) =>
    t.app.inject({ method: "POST", url, payload, headers: key ? { authorization: `Bearer ${key}` } : {} });

  it("refuses a request without a key or with a wrong one, echoing neither", async () => {
    for (const key of [undefined, "key-a-0123456789abcdeX"]) {
      const res = await chat(key, "/api/chat", { message: "hi" });
      expect(res.statusCode).toBe(401);
      expect(res.body).not.toContain("0123456789");
    }
    expect((await t.app.inject({ method: "GET", url: "/health/live" })).statusCode).toBe(200);
  });

  it("binds a session to the key that made it: another key gets a 404", async () => {
    expect((await chat(KEY_A, "/api/chat/shared-id", { message: "What is 2+2?" })).statusCode).toBe(200);
    const mine = await t.app.inject({ method: "GET", url: "/api/chat/shared-id/history", headers: { "x-api-key": KEY_A } });
    expect(mine.statusCode).toBe(200);
    expect(mine.json<{ turns: unknown[] }>().turns).toHaveLength(1);
    const theirs = await t.app.inject({ method: "GET", url: "/api/chat/shared-id/history", headers: { "x-api-key": KEY_B } });
    expect(theirs.statusCode).toBe(404);
  });

  it("answers 429 with Retry-After past the per-client limit, counted per key", async () => {
    const codes: number[] = [];
    let last;
    for (let i = 0; i < 6; i++) {
      last = await chat(KEY_B, "/api/chat", { message: "What is 2+2?" });
      codes.push(last.statusCode);
    }
    expect(codes.at(-1)).toBe(429);
    expect(last?.headers["retry-after"]).toBeDefined();
    expect(last?.json<{ detail: string }>().detail).toMatch(/^Too many requests/);
  });

  it("sends security headers", async () => {
    const res = await t.app.inject({ method: "GET", url: "/health" });
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(String(res.headers["content-security-policy"])).toContain("frame-ancestors 'none'");
  });
});

describe("requests in flight", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ app: { maxInFlight: 1 } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("sheds a request over the cap with 503 + Retry-After while /health/live still answers", async () => {
    t.fake.fault({ type: "stall" });
    const address = await t.app.listen({ port: 0, host: "127.0.0.1" });
    const controller = new AbortController();
    const held = fetch(`${address}/api/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: "hold" }),
      signal: controller.signal,
    }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    const shed = await fetch(`${address}/api/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: "hi" }),
    });
    expect(shed.status).toBe(503);
    expect(shed.headers.get("retry-after")).toBe("1");
    // Shed ahead of Fastify (shed-gate.ts), still with the security headers.
    expect(shed.headers.get("x-content-type-options")).toBe("nosniff");
    expect((await fetch(`${address}/health/live`)).status).toBe(200);
    controller.abort();
    await held;
  });
});
