import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderError, RateLimitError, TimeoutError } from "@kaizen/contracts";
import { SyncBridge } from "./sync-bridge.js";

// SyncBridge.callModule: a provider's async code, run to completion on the worker thread while
// the caller blocks, which is how a custom provider gets its synchronous chat().
const MODULE = new URL("./__fixtures__/bridge-module.mjs", import.meta.url);
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

const request = (model: string) => ({ model, messages: [{ role: "user", content: "hi" }] });

describe("SyncBridge.callModule", () => {
  it("returns the module function's result synchronously, the event loop blocked meanwhile", async () => {
    const bridge = new SyncBridge();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    try {
      const chat = (model: string) =>
        bridge.callModule<{ content: string; model: string }>(MODULE, "chatAsync", [baseURL, request(model)], {
          timeoutMs: 5_000,
        });
      const result = chat("slow");
      expect(result).not.toBeInstanceOf(Promise);
      expect(result).toEqual({ content: "hi", model: "slow" });
      expect(ticks).toBe(0);
      expect(chat("again").model).toBe("again"); // the module is loaded once and reused
    } finally {
      clearInterval(timer);
      await bridge.close();
    }
  });

  it("rethrows a KaizenError thrown there as the same class, code and fields", async () => {
    const bridge = new SyncBridge();
    try {
      let caught: unknown;
      try {
        bridge.callModule(MODULE, "chatAsync", [baseURL, request("rate-limited")]);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(RateLimitError);
      const error = caught as RateLimitError;
      expect([error.code, error.provider, error.retryAfterMs, error.requestId, error.retryable]).toEqual([
        "rate_limit",
        "mine",
        2000,
        "req_429",
        true,
      ]);
      expect(error.message).toBe("mine: rate limited: slow down");
    } finally {
      await bridge.close();
    }
  });

  it("aborts the function after timeoutMs and throws TimeoutError", async () => {
    const bridge = new SyncBridge();
    try {
      const started = Date.now();
      expect(() => bridge.callModule(MODULE, "wait", [60_000], { timeoutMs: 200, provider: "mine" })).toThrow(TimeoutError);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(bridge.callModule(MODULE, "wait", [5], { timeoutMs: 2_000 })).toBe(5);
    } finally {
      await bridge.close();
    }
  });

  it("names the module and export when the export is not a function", async () => {
    const bridge = new SyncBridge();
    try {
      expect(() => bridge.callModule(MODULE, "missing", [], { provider: "mine" })).toThrow(ProviderError);
      expect(() => bridge.callModule(MODULE, "missing", [])).toThrow(/bridge-module\.mjs exports no function "missing"/);
    } finally {
      await bridge.close();
    }
  });
});
