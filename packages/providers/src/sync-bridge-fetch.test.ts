import { createServer } from "node:net";
import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderError, RateLimitError, TimeoutError } from "@kaizen/contracts";
import { mapHttpError } from "./errors-map.js";
import { SyncBridge, SyncBridgeError } from "./sync-bridge.js";

// SyncBridge.fetch: the blocking HTTP request a custom provider's chat() is built on.
let serverThread: Worker;
let baseURL = "";

beforeAll(async () => {
  serverThread = new Worker(new URL("./__fixtures__/raw-server.mjs", import.meta.url));
  const { port } = await new Promise<{ port: number }>((resolve) => serverThread.once("message", resolve));
  baseURL = `http://127.0.0.1:${port}/v1`;
});

afterAll(async () => {
  serverThread.postMessage("close");
  await new Promise((resolve) => serverThread.once("exit", resolve));
});

const post = (model: string) => ({
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
});

describe("SyncBridge.fetch", () => {
  it("returns status, lower-cased headers and the body, blocking the event loop meanwhile", async () => {
    const bridge = new SyncBridge();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    try {
      const reply = bridge.fetch(`${baseURL}/chat/completions`, { ...post("slow"), timeoutMs: 5_000 });
      expect(reply).not.toBeInstanceOf(Promise);
      expect(reply.status).toBe(200);
      expect(reply.headers["x-request-id"]).toBe("req_ok");
      expect((JSON.parse(reply.body) as { model: string }).model).toBe("slow");
      expect(ticks).toBe(0);
    } finally {
      clearInterval(timer);
      await bridge.close();
    }
  });

  it("hands back a 429 as a reply, which mapHttpError turns into RateLimitError with retryAfterMs", async () => {
    const bridge = new SyncBridge();
    try {
      const reply = bridge.fetch(`${baseURL}/chat/completions`, post("rate-limited"));
      expect(reply.status).toBe(429);
      const error = mapHttpError(reply, { provider: "mine" });
      expect(error).toBeInstanceOf(RateLimitError);
      expect((error as RateLimitError).retryAfterMs).toBe(2000);
      expect((error as RateLimitError).requestId).toBe("req_429");
      expect(error.message).toContain("slow down");
    } finally {
      await bridge.close();
    }
  });

  it("gives up after timeoutMs with TimeoutError", async () => {
    const bridge = new SyncBridge();
    try {
      const started = Date.now();
      let caught: unknown;
      try {
        bridge.fetch(`${baseURL}/chat/completions`, { ...post("stall"), timeoutMs: 200, provider: "mine" });
      } catch (error) {
        caught = error;
      }
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(caught).toBeInstanceOf(TimeoutError);
      expect((caught as TimeoutError).provider).toBe("mine");
      expect((caught as TimeoutError).timeoutMs).toBe(200);
    } finally {
      await bridge.close();
    }
  });

  it("reports a refused connection as a retryable connection_error", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    const bridge = new SyncBridge();
    try {
      let caught: unknown;
      try {
        bridge.fetch(`http://127.0.0.1:${port}/v1/chat/completions`, { ...post("x"), timeoutMs: 2_000 });
      } catch (error) {
        caught = error;
      }
      expect(caught).not.toBeInstanceOf(SyncBridgeError);
      const mapped = caught as ProviderError;
      expect(mapped).toBeInstanceOf(ProviderError);
      expect(mapped.message).toContain("ECONNREFUSED");
      expect(mapped.code).toBe("connection_error");
      expect((mapped as ProviderError).retryable).toBe(true);
    } finally {
      await bridge.close();
    }
  });
});

describe("mapHttpError", () => {
  it("reads the message of OpenAI-, vLLM- and FastAPI-shaped bodies, and never shows the key", () => {
    const secrets = ["sk-mine-SECRET-123"];
    const openai = mapHttpError(
      { status: 401, headers: {}, body: JSON.stringify({ error: { message: "bad key sk-mine-SECRET-123" } }) },
      { provider: "mine", secrets },
    );
    expect(openai.code).toBe("authentication_error");
    expect(openai.message).toContain("bad key");
    expect(openai.message).not.toContain("sk-mine-SECRET-123");
    const vllm = mapHttpError(
      { status: 400, headers: {}, body: JSON.stringify({ object: "error", message: "too long" }) },
      { provider: "mine" },
    );
    expect(vllm.message).toContain("too long");
    expect((vllm as ProviderError).retryable).toBe(false);
    const fastapi = mapHttpError(
      { status: 422, headers: {}, body: JSON.stringify({ detail: [{ loc: ["body", "model"], msg: "field required" }] }) },
      { provider: "mine" },
    );
    expect(fastapi.message).toContain("body.model: field required");
    const html = mapHttpError(
      { status: 503, headers: { "x-request-id": "r1" }, body: "<html>down</html>" },
      { provider: "mine" },
    );
    expect((html as ProviderError).retryable).toBe(true);
    expect((html as ProviderError).requestId).toBe("r1");
    expect(html.message).toContain("<html>down</html>");
  });
});
