import { describe, expect, it } from "vitest";
import { computeCost, findPrice } from "./prices.js";

describe("prices", () => {
  it("matches dated model ids by the longest prefix, never a sibling model", () => {
    expect(findPrice("gpt-4o-2024-08-06")).toEqual(findPrice("gpt-4o"));
    expect(findPrice("gpt-4o-mini-2024-07-18")).toEqual(findPrice("gpt-4o-mini"));
    expect(findPrice("gpt-4.1-mini-2025-04-14")).toEqual(findPrice("gpt-4.1-mini"));
    expect(findPrice("claude-sonnet-4-20250514")).toEqual(findPrice("claude-sonnet-4"));
    expect(findPrice("gpt-4o")).not.toEqual(findPrice("gpt-4"));
    expect(findPrice("unknown-model")).toBeUndefined();
  });

  it("computes cost with cached input billed at the cached rate", () => {
    // gpt-4o: 2.5 in, 10 out, 1.25 cached per 1M
    const cost = computeCost("gpt-4o", {
      inputTokens: 1_000_000,
      outputTokens: 100_000,
      totalTokens: 1_100_000,
      cachedInputTokens: 400_000,
    });
    expect(cost).toBeCloseTo(0.6 * 2.5 + 0.4 * 1.25 + 0.1 * 10, 10);
    expect(computeCost("nope", { inputTokens: 1, outputTokens: 1, totalTokens: 2 })).toBeUndefined();
  });

  it("lets user prices override the defaults and add models", () => {
    const prices = { "gpt-4o": { input: 1, output: 1 }, "my-model": { input: 2, output: 4 } };
    expect(computeCost("gpt-4o-2024-11-20", { inputTokens: 1_000_000, outputTokens: 0, totalTokens: 1_000_000 }, prices)).toBe(1);
    expect(computeCost("my-model", { inputTokens: 0, outputTokens: 1_000_000, totalTokens: 1_000_000 }, prices)).toBe(4);
  });
});
