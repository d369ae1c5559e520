import { describe, expect, it } from "vitest";
import { AbortError, AuthenticationError, ProviderError, RateLimitError, TimeoutError } from "@kaizen/contracts";
import { computeRetryDelayMs, sleepSync, withRetry, withRetrySync } from "./retry.js";
import type { RetryInfo } from "./retry.js";

const transient = () => new ProviderError("boom", { provider: "t", status: 503, retryable: true });

describe("computeRetryDelayMs", () => {
  it("grows exponentially under full jitter and stops at the cap", () => {
    const top = () => 0.999999;
    expect(computeRetryDelayMs(1, transient(), { baseDelayMs: 100, maxDelayMs: 1000, random: top })).toBe(99);
    expect(computeRetryDelayMs(3, transient(), { baseDelayMs: 100, maxDelayMs: 1000, random: top })).toBe(399);
    expect(computeRetryDelayMs(10, transient(), { baseDelayMs: 100, maxDelayMs: 1000, random: top })).toBe(999);
    expect(computeRetryDelayMs(2, transient(), { baseDelayMs: 100, random: () => 0 })).toBe(0);
  });

  it("never waits less than the server's Retry-After", () => {
    const limited = new RateLimitError("slow down", { provider: "t", retryAfterMs: 1000 });
    expect(computeRetryDelayMs(1, limited, { random: () => 0 })).toBe(1000);
    expect(computeRetryDelayMs(8, limited, { baseDelayMs: 1000, maxDelayMs: 5000, random: () => 0.9 })).toBe(4500);
  });
});

describe("withRetry", () => {
  it("makes the budget's signal only for an attempt that reads it, and still ends on time either way", async () => {
    const Original = globalThis.AbortController;
    let made = 0;
    globalThis.AbortController = class extends Original {
      constructor() {
        super();
        made++;
      }
    };
    try {
      // Never read: no controller at all, and the caller's signal is still handed over.
      const caller = new AbortController();
      made = 0;
      const seen = await withRetry(async (ctx) => ctx.callerSignal, { timeoutMs: 1000, signal: caller.signal });
      expect(seen).toBe(caller.signal);
      expect(made).toBe(0);
      // Read: the same signal every time, aborted when the budget runs out.
      const budget = await withRetry(
        async (ctx) => {
          expect(ctx.signal).toBe(ctx.signal);
          await new Promise((resolve) => ctx.signal?.addEventListener("abort", resolve));
          throw ctx.signal?.reason;
        },
        { timeoutMs: 50, provider: "t" },
      ).catch((error: unknown) => error);
      expect(made).toBe(1);
      expect(budget).toBeInstanceOf(TimeoutError);
      // An attempt that times itself out at remainingMs (the direct chat path) gets the budget's error.
      const self = await withRetry(
        async (ctx) => {
          await new Promise((resolve) => setTimeout(resolve, ctx.remainingMs));
          throw transient();
        },
        { timeoutMs: 50, provider: "t" },
      ).catch((error: unknown) => error);
      expect(self).toBeInstanceOf(TimeoutError);
      expect((self as Error).message).toContain("time budget of 50 ms");
    } finally {
      globalThis.AbortController = Original;
    }
  });

  it("retries retryable errors, reports each retry, and returns the value", async () => {
    const seen: RetryInfo[] = [];
    let calls = 0;
    const value = await withRetry(
      async ({ attempt }) => {
        calls++;
        if (attempt < 3) throw transient();
        return `ok on ${attempt}`;
      },
      { maxRetries: 2, baseDelayMs: 5, onRetry: (info) => seen.push(info) },
    );
    expect(value).toBe("ok on 3");
    expect(calls).toBe(3);
    expect(seen.map((s) => s.attempt)).toEqual([1, 2]);
  });

  it("gives up after maxRetries with the last error", async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw transient();
        },
        { maxRetries: 1, baseDelayMs: 1 },
      ),
    ).rejects.toThrow("boom");
    expect(calls).toBe(2);
  });

  it("does not retry errors that are not retryable", async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw new AuthenticationError("bad key", { provider: "t", status: 401 });
      }),
    ).rejects.toBeInstanceOf(AuthenticationError);
    await expect(withRetry(async () => Promise.reject(new TypeError("bug")))).rejects.toBeInstanceOf(TypeError);
    expect(calls).toBe(1);
  });

  it("waits at least Retry-After before the next attempt", async () => {
    const times: number[] = [];
    await withRetry(
      async ({ attempt }) => {
        times.push(Date.now());
        if (attempt === 1) throw new RateLimitError("429", { provider: "t", retryAfterMs: 300 });
        return "ok";
      },
      { random: () => 0 },
    );
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(295);
  });

  it("rejects with AbortError within 50 ms when aborted during a backoff wait", async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    const promise = withRetry(
      async () => {
        throw new RateLimitError("429", { provider: "t", retryAfterMs: 5_000 });
      },
      {
        signal: controller.signal,
        onRetry: () => {
          setTimeout(() => {
            abortedAt = Date.now();
            controller.abort();
          }, 50);
        },
      },
    );
    await expect(promise).rejects.toBeInstanceOf(AbortError);
    expect(Date.now() - abortedAt).toBeLessThan(50);
  });

  it("hands the abort to the running attempt", async () => {
    const controller = new AbortController();
    const promise = withRetry(
      ({ signal }) =>
        new Promise((_resolve, reject) => {
          signal?.addEventListener("abort", () => reject(new Error("attempt saw abort")));
        }),
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 10);
    await expect(promise).rejects.toBeInstanceOf(AbortError);
  });

  it("hands the caller's abort to the running attempt when there is a budget too", async () => {
    const controller = new AbortController();
    const seen: Array<AbortSignal | undefined> = [];
    const promise = withRetry(
      ({ signal }) => {
        seen.push(signal);
        return new Promise((_resolve, reject) => {
          signal?.addEventListener("abort", () => reject(new Error("attempt saw abort")));
        });
      },
      { signal: controller.signal, timeoutMs: 5_000 },
    );
    setTimeout(() => controller.abort(), 10);
    await expect(promise).rejects.toBeInstanceOf(AbortError);
    expect(seen[0]?.aborted).toBe(true);
  });

  it("passes the caller's own signal to attempts when there is no budget", async () => {
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    await withRetry(
      async ({ signal, remainingMs }) => {
        seen = signal;
        expect(remainingMs).toBeUndefined();
      },
      { signal: controller.signal },
    );
    expect(seen).toBe(controller.signal);
  });

  it("rejects at once when the signal is already aborted", async () => {
    let calls = 0;
    await expect(withRetry(async () => ++calls, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
    expect(calls).toBe(0);
  });

  it("stops at the total time budget with a TimeoutError", async () => {
    const started = Date.now();
    const promise = withRetry(
      ({ signal }) => new Promise((_r, reject) => signal?.addEventListener("abort", () => reject(new Error("cut")))),
      {
        timeoutMs: 100,
        provider: "t",
      },
    );
    await expect(promise).rejects.toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("does not start a wait that would end past the budget", async () => {
    let calls = 0;
    const started = Date.now();
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new RateLimitError("429", { provider: "t", retryAfterMs: 10_000 });
        },
        { timeoutMs: 1_000 },
      ),
    ).rejects.toBeInstanceOf(RateLimitError);
    expect(calls).toBe(1);
    expect(Date.now() - started).toBeLessThan(500);
  });
});

describe("withRetrySync", () => {
  it("retries synchronously, sleeping between attempts", () => {
    const times: number[] = [];
    const value = withRetrySync(
      ({ attempt }) => {
        times.push(Date.now());
        if (attempt === 1) throw new RateLimitError("429", { provider: "t", retryAfterMs: 100 });
        return attempt;
      },
      { random: () => 0 },
    );
    expect(value).toBe(2);
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(95);
  });

  it("does not retry non-retryable errors and honours an aborted signal", () => {
    let calls = 0;
    expect(() =>
      withRetrySync(() => {
        calls++;
        throw new ProviderError("bad request", { provider: "t", status: 400 });
      }),
    ).toThrow("bad request");
    expect(calls).toBe(1);
    expect(() => withRetrySync(() => 1, { signal: AbortSignal.abort() })).toThrow(AbortError);
  });

  it("sleepSync blocks the thread", () => {
    const started = Date.now();
    sleepSync(60);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });
});
