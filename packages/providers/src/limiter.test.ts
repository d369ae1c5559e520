import { describe, expect, it } from "vitest";
import { AbortError } from "@kaizen/contracts";
import { ConcurrencyLimiter, mapWithConcurrency } from "./limiter.js";

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("ConcurrencyLimiter", () => {
  it("never runs more than the limit at once and runs all of them", async () => {
    const limiter = new ConcurrencyLimiter(3);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        limiter.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await tick(5);
          running--;
          return i;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(limiter.active).toBe(0);
  });

  it("lets a queued caller leave on abort", async () => {
    const limiter = new ConcurrencyLimiter(1);
    const first = limiter.run(() => tick(30));
    const controller = new AbortController();
    const queued = limiter.run(async () => "ran", controller.signal);
    expect(limiter.waiting).toBe(1);
    controller.abort();
    await expect(queued).rejects.toBeInstanceOf(AbortError);
    expect(limiter.waiting).toBe(0);
    await first;
    expect(limiter.active).toBe(0);
  });
});

describe("mapWithConcurrency", () => {
  it("keeps input order", async () => {
    const out = await mapWithConcurrency([30, 10, 20], 2, async (ms, i) => {
      await tick(ms);
      return i;
    });
    expect(out).toEqual([0, 1, 2]);
  });
});
