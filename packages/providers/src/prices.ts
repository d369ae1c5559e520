// Prices in US dollars per 1M tokens. Defaults as published by OpenAI and Anthropic, checked
// 2025-11; prices change, so pass your own table (`prices` option) where it matters.
import type { Usage } from "@kaizen/contracts";

export interface ModelPrice {
  /** USD per 1M input tokens (uncached). */
  input: number;
  /** USD per 1M output tokens (reasoning tokens are billed as output). */
  output: number;
  /** USD per 1M input tokens served from the prompt cache; defaults to `input`. */
  cachedInput?: number;
}

export type PriceTable = Readonly<Record<string, ModelPrice>>;

export const DEFAULT_PRICES: PriceTable = Object.freeze({
  // OpenAI chat
  "gpt-4o": { input: 2.5, output: 10, cachedInput: 1.25 },
  "gpt-4o-mini": { input: 0.15, output: 0.6, cachedInput: 0.075 },
  "gpt-4.1": { input: 2, output: 8, cachedInput: 0.5 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6, cachedInput: 0.1 },
  "gpt-4.1-nano": { input: 0.1, output: 0.4, cachedInput: 0.025 },
  "gpt-4-turbo": { input: 10, output: 30 },
  "gpt-4": { input: 30, output: 60 },
  "gpt-3.5-turbo": { input: 0.5, output: 1.5 },
  "gpt-5": { input: 1.25, output: 10, cachedInput: 0.125 },
  "gpt-5-mini": { input: 0.25, output: 2, cachedInput: 0.025 },
  "gpt-5-nano": { input: 0.05, output: 0.4, cachedInput: 0.005 },
  o1: { input: 15, output: 60, cachedInput: 7.5 },
  o3: { input: 2, output: 8, cachedInput: 0.5 },
  "o3-mini": { input: 1.1, output: 4.4, cachedInput: 0.55 },
  "o4-mini": { input: 1.1, output: 4.4, cachedInput: 0.275 },
  // OpenAI embeddings
  "text-embedding-3-small": { input: 0.02, output: 0 },
  "text-embedding-3-large": { input: 0.13, output: 0 },
  "text-embedding-ada-002": { input: 0.1, output: 0 },
  // Anthropic (cachedInput = cache reads)
  "claude-opus-4-5": { input: 5, output: 25, cachedInput: 0.5 },
  "claude-opus-4": { input: 15, output: 75, cachedInput: 1.5 },
  "claude-sonnet-4": { input: 3, output: 15, cachedInput: 0.3 },
  "claude-3-7-sonnet": { input: 3, output: 15, cachedInput: 0.3 },
  "claude-3-5-sonnet": { input: 3, output: 15, cachedInput: 0.3 },
  "claude-haiku-4-5": { input: 1, output: 5, cachedInput: 0.1 },
  "claude-3-5-haiku": { input: 0.8, output: 4, cachedInput: 0.08 },
  "claude-3-haiku": { input: 0.25, output: 1.25, cachedInput: 0.03 },
});

/**
 * The price of `model`: an exact entry, else the longest entry that is a prefix followed by "-"
 * (so "gpt-4o-2024-08-06" finds "gpt-4o", and "gpt-4o-mini" is never priced as "gpt-4o").
 * User prices are searched before the defaults.
 */
export function findPrice(model: string, prices?: PriceTable): ModelPrice | undefined {
  for (const table of prices ? [prices, DEFAULT_PRICES] : [DEFAULT_PRICES]) {
    const exact = table[model];
    if (exact) return exact;
    let best: string | undefined;
    for (const key of Object.keys(table)) {
      if (model.startsWith(`${key}-`) && (best === undefined || key.length > best.length)) best = key;
    }
    if (best !== undefined) return table[best];
  }
  return undefined;
}

/**
 * Cost in USD, or undefined when the model has no known price. `usage.inputTokens` counts cached
 * tokens too (OpenAI's convention; providers normalise to it), so they are billed at the cached rate.
 */
export function computeCost(model: string, usage: Usage, prices?: PriceTable): number | undefined {
  const price = findPrice(model, prices);
  if (!price) return undefined;
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
  const uncached = usage.inputTokens - cached;
  const cost = uncached * price.input + cached * (price.cachedInput ?? price.input) + usage.outputTokens * price.output;
  return cost / 1_000_000;
}
