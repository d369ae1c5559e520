import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./test-support/harness.js";

const LATENCY_MS = 300;
let t: TestApp;
let url: string;
beforeAll(async () => {
  t = await startTestApp({ fake: { latencyMs: LATENCY_MS } });
  url = await t.app.listen({ port: 0, host: "127.0.0.1" });
});
afterAll(async () => {
  await t?.close();
});

describe("the seed's promise: 100 concurrent requests, handled in parallel", () => {
  it("answers 100 concurrent POST /api/chat over real HTTP in a fraction of 100 latencies (not queued)", async () => {
    // One request first, so the timing below leaves out one-time work (schema compilation, connection set-up).
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const started = Date.now();
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        fetch(`${url}/api/chat`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ message: `What is ${i}+1?` }),
        }).then(async (res) => ({ status: res.status, body: (await res.json()) as { response: string } })),
      ),
    );
    const elapsed = Date.now() - started;
    responses.forEach((r, i) => {
      expect(r.status).toBe(200);
      expect(r.body.response).toContain(String(i + 1));
    });
    // Queued one by one this would take 100 latencies (30 s). Here the test's client, the app and the
    // fake LLM server share one thread (about 2 s on an idle 2-core machine), so the bound is loose.
    expect(elapsed).toBeLessThan(20 * LATENCY_MS);
  }, 60_000);
});
