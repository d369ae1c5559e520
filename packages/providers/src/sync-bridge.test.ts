import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RateLimitError } from "@kaizen/contracts";
import { mapProviderError } from "./errors-map.js";
import { SyncBridge, SyncBridgeError } from "./sync-bridge.js";

const KEY = "sk-bridge-test-DISTINCTIVE-0000";
let serverThread: Worker;
let baseURL = "";

/** Posts `message` (if any) to the server thread and resolves with its next message. */
function ask<T>(message?: string): Promise<T> {
  const reply = new Promise<T>((resolve) => serverThread.once("message", resolve));
  if (message !== undefined) serverThread.postMessage(message);
  return reply;
}

beforeAll(async () => {
  serverThread = new Worker(new URL("./__fixtures__/raw-server.mjs", import.meta.url));
  const { port } = await ask<{ port: number }>();
  baseURL = `http://127.0.0.1:${port}/v1`;
});

afterAll(async () => {
  serverThread.postMessage("close");
  await new Promise((resolve) => serverThread.once("exit", resolve));
});

describe("SyncBridge", () => {
  it("returns the SDK's answer synchronously and blocks the event loop meanwhile", async () => {
    const bridge = new SyncBridge();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    try {
      const result = bridge.call<{ choices: Array<{ message: { content: string } }> }>(
        "openai",
        { apiKey: KEY, baseURL },
        "chat.completions.create",
        { model: "slow", messages: [{ role: "user", content: "hi" }] },
        { timeoutMs: 5_000 },
      );
      expect(result).not.toBeInstanceOf(Promise);
      expect(result.data.choices[0]?.message.content).toBe("hi");
      expect(result.headers["x-request-id"]).toBe("req_ok");
      expect(ticks).toBe(0);
    } finally {
      clearInterval(timer);
      await bridge.close();
    }
  });

  it("carries SDK errors across serialised, mappable like the async ones", async () => {
    const bridge = new SyncBridge();
    try {
      let caught: unknown;
      try {
        bridge.call(
          "openai",
          { apiKey: KEY, baseURL },
          "chat.completions.create",
          { model: "rate-limited", messages: [] },
          { timeoutMs: 5_000 },
        );
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(SyncBridgeError);
      const mapped = mapProviderError(caught instanceof SyncBridgeError ? caught.serialized : caught, {
        provider: "openai",
        secrets: [KEY],
      });
      expect(mapped).toBeInstanceOf(RateLimitError);
      expect((mapped as RateLimitError).retryAfterMs).toBe(2_000);
      expect((mapped as RateLimitError).requestId).toBe("req_429");
    } finally {
      await bridge.close();
    }
  });

  it("bounds the blocking wait by the timeout when the server stalls", async () => {
    const bridge = new SyncBridge();
    try {
      const started = Date.now();
      let caught: unknown;
      try {
        bridge.call(
          "openai",
          { apiKey: KEY, baseURL },
          "chat.completions.create",
          { model: "stall", messages: [] },
          { timeoutMs: 300 },
        );
      } catch (error) {
        caught = error;
      }
      const elapsed = Date.now() - started;
      expect(caught).toBeInstanceOf(SyncBridgeError);
      expect((caught as SyncBridgeError).serialized.errorClass).toBe("APIConnectionTimeoutError");
      expect(elapsed).toBeGreaterThanOrEqual(250);
      expect(elapsed).toBeLessThan(5_000);
      // The bridge is still usable afterwards (late replies are dropped by id).
      const ok = bridge.call<{ model: string }>(
        "openai",
        { apiKey: KEY, baseURL },
        "chat.completions.create",
        { model: "m", messages: [] },
        { timeoutMs: 5_000 },
      );
      expect(ok.data.model).toBe("m");
    } finally {
      await bridge.close();
    }
  });

  it("reports a worker that cannot load at once instead of waiting out the timeout", async () => {
    const bridge = new SyncBridge({ workerUrl: new URL("./__fixtures__/does-not-exist.js", import.meta.url) });
    try {
      const started = Date.now();
      expect(() => bridge.call("openai", { apiKey: KEY, baseURL }, "chat.completions.create", {}, { timeoutMs: 30_000 })).toThrow(
        /failed to start/,
      );
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(bridge.started).toBe(false);
    } finally {
      await bridge.close();
    }
  });

  it("refuses calls after close()", async () => {
    const bridge = new SyncBridge();
    await bridge.close();
    await bridge.close();
    expect(() => bridge.call("openai", { apiKey: KEY, baseURL }, "chat.completions.create", {})).toThrow(/closed/);
  });

  it("reports an unknown method without hanging", async () => {
    const bridge = new SyncBridge();
    try {
      const before = (await ask<{ hits: number }>("hits")).hits;
      expect(() => bridge.call("openai", { apiKey: KEY, baseURL }, "chat.nope.create", {}, { timeoutMs: 2_000 })).toThrow(
        /not a method/,
      );
      // The failure happened in the worker before any request was sent.
      expect((await ask<{ hits: number }>("hits")).hits).toBe(before);
    } finally {
      await bridge.close();
    }
  });
});
