// One Usage from each compatible vendor's usage block, so that inputTokens + outputTokens ==
// totalTokens for every vendor, cached tokens are inside inputTokens (billed at the cached rate)
// and reasoning tokens inside outputTokens (billed as output), as OpenAI counts them. The vendors
// differ in a few fields, kept in one table; the fixtures in __fixtures__/vendor-usage (with their
// SOURCES.md) are the vendors' documented bodies.
import type { Usage } from "@kaizen/contracts";
import type { CompatibleVendor } from "./compatible-vendors.js";

export interface VendorUsageRule {
  /**
   * True when `completion_tokens` leaves the reasoning tokens out (xAI: `total_tokens` =
   * prompt + completion + reasoning), so output = completion + reasoning.
   */
  reasoningOutsideCompletion: boolean;
  /** Where a stream's final usage arrives besides `usage`: Groq sends it in `x_groq.usage`. */
  streamUsagePath?: "x_groq";
  /** The vendor reports the call's cost itself (OpenRouter: `usage.cost`, in USD credits). */
  reportsCost?: boolean;
  /** What the vendor reports, for the docs. */
  notes: string;
}

export const VENDOR_USAGE_RULES: Readonly<Record<CompatibleVendor, VendorUsageRule>> = {
  openai: {
    reasoningOutsideCompletion: false,
    notes: "prompt_tokens_details.cached_tokens, completion_tokens_details.reasoning_tokens",
  },
  azure: { reasoningOutsideCompletion: false, notes: "as OpenAI" },
  xai: {
    reasoningOutsideCompletion: true,
    notes: "completion_tokens exclude completion_tokens_details.reasoning_tokens; cached in prompt_tokens_details.cached_tokens",
  },
  deepseek: {
    reasoningOutsideCompletion: false,
    notes: "prompt_cache_hit_tokens + prompt_cache_miss_tokens = prompt_tokens; reasoning inside completion_tokens",
  },
  groq: {
    reasoningOutsideCompletion: false,
    streamUsagePath: "x_groq",
    notes: "timings beside the counts; streams carry usage in x_groq.usage of the last chunk",
  },
  mistral: { reasoningOutsideCompletion: false, notes: "prompt/completion/total only" },
  together: { reasoningOutsideCompletion: false, notes: "prompt/completion/total, cached_tokens at the top level when cached" },
  fireworks: { reasoningOutsideCompletion: false, notes: "prompt_tokens_details.cached_tokens" },
  openrouter: {
    reasoningOutsideCompletion: false,
    reportsCost: true,
    notes: "OpenAI's details plus usage.cost (USD credits) for the call",
  },
  ollama: { reasoningOutsideCompletion: false, notes: "prompt/completion/total only" },
  vllm: { reasoningOutsideCompletion: false, notes: "prompt_tokens_details.cached_tokens with --enable-prompt-tokens-details" },
  generic: { reasoningOutsideCompletion: false, notes: "any of the above fields, read where present" },
};

export interface NormalizedUsage {
  usage: Usage;
  /** The cost the vendor reported, when it reports one (it wins over the price table). */
  reportedCostUsd?: number;
}

type Raw = Record<string, unknown>;

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

// Paths split once, not on every answer.
const paths = new Map<string, readonly string[]>();

function field(raw: Raw, path: string): number | undefined {
  let keys = paths.get(path);
  if (keys === undefined) paths.set(path, (keys = path.split(".")));
  let value: unknown = raw;
  for (const key of keys) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Raw)[key];
  }
  return num(value);
}

/** The usage block of a stream chunk, wherever the vendor puts it. */
export function usageOfChunk(chunk: unknown, vendor: CompatibleVendor): unknown {
  const record = chunk !== null && typeof chunk === "object" ? (chunk as Raw) : {};
  if (record["usage"] !== undefined && record["usage"] !== null) return record["usage"];
  if (VENDOR_USAGE_RULES[vendor].streamUsagePath === "x_groq") {
    const groq = record["x_groq"];
    if (groq !== null && typeof groq === "object") return (groq as Raw)["usage"] ?? undefined;
  }
  return undefined;
}

/**
 * Reads a chat completions usage block. Unknown vendors get the general reading plus one check:
 * a total that equals prompt + completion + reasoning (and not prompt + completion) means the
 * reasoning was left out of the completion count, as xAI does.
 */
export function normalizeCompatibleUsage(rawUsage: unknown, vendor: CompatibleVendor = "generic"): NormalizedUsage {
  if (rawUsage === null || typeof rawUsage !== "object") return { usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 } };
  const raw = rawUsage as Raw;
  const rule = VENDOR_USAGE_RULES[vendor];
  const hit = field(raw, "prompt_cache_hit_tokens");
  const miss = field(raw, "prompt_cache_miss_tokens");
  const prompt = field(raw, "prompt_tokens") ?? (hit !== undefined || miss !== undefined ? (hit ?? 0) + (miss ?? 0) : 0);
  const completion = field(raw, "completion_tokens") ?? 0;
  const reasoning = field(raw, "completion_tokens_details.reasoning_tokens");
  const cached = field(raw, "prompt_tokens_details.cached_tokens") ?? hit ?? field(raw, "cached_tokens");
  const reportedTotal = field(raw, "total_tokens");

  const reasoningOutside =
    rule.reasoningOutsideCompletion ||
    (vendor === "generic" &&
      reasoning !== undefined &&
      reasoning > 0 &&
      reportedTotal === prompt + completion + reasoning &&
      reportedTotal !== prompt + completion);
  const outputTokens = completion + (reasoningOutside ? (reasoning ?? 0) : 0);
  const usage: Usage = { inputTokens: prompt, outputTokens, totalTokens: prompt + outputTokens };
  // A cache larger than the prompt is a vendor bug; capping keeps cost and totals meaningful.
  if (cached !== undefined) usage.cachedInputTokens = Math.min(cached, prompt);
  if (reasoning !== undefined) usage.reasoningTokens = Math.min(reasoning, outputTokens);
  const out: NormalizedUsage = { usage };
  const cost = rule.reportsCost ? field(raw, "cost") : undefined;
  if (cost !== undefined) out.reportedCostUsd = cost;
  return out;
}
