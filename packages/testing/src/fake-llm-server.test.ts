// The server's own behaviour, over plain fetch: routing, errors, recording limits and shutdown.
import { afterEach, describe, expect, it } from "vitest";
import { parseFaultHeader, startFakeLLMServer } from "./fake-llm-server.js";
import type { FakeLLMServer } from "./fake-llm-types.js";

const started: FakeLLMServer[] = [];
async function start(options?: Parameters<typeof startFakeLLMServer>[0]): Promise<FakeLLMServer> {
  const server = await startFakeLLMServer(options);
  started.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the server to see the request");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const chat = (
  server: FakeLLMServer,
  headers: Record<string, string> = {},
  body: unknown = { model: "m", messages: [{ role: "user", content: "What is 2+2?" }] },
) =>
  fetch(`${server.openaiBaseUrl}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

describe("the fake LLM server", () => {
  it("listens on 127.0.0.1 on a free port and exposes both base URLs", async () => {
    const server = await start();
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.openaiBaseUrl).toBe(`${server.url}/v1`);
    expect(server.anthropicBaseUrl).toBe(server.url);
  });

  it("closes promptly with a stalled request in flight, and close() is idempotent", async () => {
    const server = await start();
    const stalled = chat(server, { "x-fake-fault": "stall" }).then(
      () => "answered",
      () => "cut",
    );
    await waitFor(() => server.requests.length === 1);
    const t0 = Date.now();
    await server.close();
    await server.close();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(await stalled).toBe("cut");
  });

  it("closes promptly while a request waits out its latency", async () => {
    const server = await start({ latencyMs: 60_000 });
    const pending = chat(server).then(
      () => "answered",
      () => "cut",
    );
    await waitFor(() => server.requests.length === 1);
    const t0 = Date.now();
    await server.close();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(await pending).toBe("cut");
  });

  it("answers unknown routes with a 404 naming the routes it speaks", async () => {
    const server = await start();
    const res = await fetch(`${server.url}/v1/completions`, { method: "POST", body: "{}" });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toContain("POST /v1/chat/completions");
  });

  it("answers a body that is not JSON, or a missing model, with a 400", async () => {
    const server = await start();
    const bad = await fetch(`${server.openaiBaseUrl}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{nope",
    });
    expect(bad.status).toBe(400);
    const noModel = await chat(server, {}, { messages: [{ role: "user", content: "hi" }] });
    expect(noModel.status).toBe(400);
    const anthropic = await fetch(`${server.url}/v1/messages`, {
      method: "POST",
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(anthropic.status).toBe(400);
    expect(((await anthropic.json()) as { error: { message: string } }).error.message).toContain("max_tokens");
  });

  it("rejects an unknown x-fake-fault with a 400 that lists the faults, and unknown scripted faults at once", async () => {
    const server = await start();
    const res = await chat(server, { "x-fake-fault": "meteor" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("truncated_stream");
    expect(() => server.fault({ type: "meteor" } as never)).toThrow(/Unknown fault type "meteor"/);
  });

  it("parses fault headers with parameters", () => {
    expect(parseFaultHeader("rate_limit:250")).toEqual({ type: "rate_limit", retryAfterMs: 250 });
    expect(parseFaultHeader("server_error:503")).toEqual({ type: "server_error", status: 503 });
    expect(parseFaultHeader("server_error:418")).toEqual({ type: "server_error" });
    expect(parseFaultHeader(" stall ")).toEqual({ type: "stall" });
    expect(parseFaultHeader("nope")).toBeUndefined();
  });

  it("keeps at most maxRecordedRequests, dropping the oldest; 0 records nothing", async () => {
    const server = await start({ maxRecordedRequests: 3 });
    for (let i = 0; i < 5; i++) await (await chat(server)).text();
    expect(server.requests.map((r) => r.id)).toEqual([3, 4, 5]);
    const silent = await start({ maxRecordedRequests: 0 });
    await (await chat(silent)).text();
    expect(silent.requests).toEqual([]);
  });

  it("spaces streamed chunks by the per-request x-fake-stream-delay-ms", async () => {
    const server = await start();
    const t0 = Date.now();
    const res = await chat(
      server,
      { "x-fake-stream-delay-ms": "20" },
      { model: "m", stream: true, messages: [{ role: "user", content: "Tell me about rivers" }] },
    );
    const text = await res.text();
    const events = text.split("\n\n").filter(Boolean);
    expect(events.at(-1)).toBe("data: [DONE]");
    expect(Date.now() - t0).toBeGreaterThanOrEqual((events.length - 2) * 20);
  });

  it("faults a matching request only; others pass", async () => {
    const server = await start();
    server.fault({ type: "auth" }, { match: (r) => JSON.stringify(r.body).includes("secret question") });
    expect((await chat(server)).status).toBe(200);
    expect((await chat(server, {}, { model: "m", messages: [{ role: "user", content: "secret question" }] })).status).toBe(401);
    expect((await chat(server, {}, { model: "m", messages: [{ role: "user", content: "secret question" }] })).status).toBe(200);
  });
});
