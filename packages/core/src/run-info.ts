import type { FinishReason, StructuredOutputMode, Usage } from "@kaizen/contracts";
import type { RunStep } from "./tool-types.js";

/** How a run went. Kept beside the result (not on it), so the result holds only the output fields. */
export interface RunInfo {
  /** Numbers this agent's runs, from 1. */
  runId: number;
  mode: "sync" | "async" | "stream";
  /** Answers asked of the model: 1, plus one per re-ask. */
  attempts: number;
  /** HTTP attempts over all answers, provider retries included. */
  providerAttempts: number;
  /** Summed over every attempt. */
  usage: Usage;
  /** Summed over every attempt; absent when the provider knows no price for the model. */
  costUsd?: number;
  /** Wall time of the whole run, memory and hooks included. */
  latencyMs: number;
  /** The model's last (valid) answer as text. */
  rawText: string;
  /** The model that answered, as the provider reported it. */
  model: string;
  structuredOutput: StructuredOutputMode | "none";
  finishReason: FinishReason;
  /** The provider's request ids, one per answer, where the API sent them. */
  requestIds: string[];
  /**
   * Each model call in order: the tool calls its reply asked for (input, output or error, status,
   * ms; none for the answer) and its usage. `usage` above is their total.
   */
  steps: RunStep[];
  /** Model -> tools rounds used (0 without tools); at most `maxCycles`. */
  toolCycles: number;
  sessionId?: string;
}

const runInfos = new WeakMap<object, RunInfo>();

/**
 * The run info of a result returned by `run`, `runAsync`, `batchAsync` or `streamAsync`, or
 * `undefined` for any other object. A copy of the result (spread, JSON round trip) has none.
 */
export function getRunInfo(result: object): RunInfo | undefined {
  return runInfos.get(result);
}

export function recordRunInfo(result: object, info: RunInfo): void {
  runInfos.set(result, info);
}

export function emptyUsage(): Usage {
  return { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
}

export function addUsage(total: Usage, more: Usage): void {
  total.inputTokens += more.inputTokens;
  total.outputTokens += more.outputTokens;
  total.totalTokens += more.totalTokens;
  if (more.cachedInputTokens !== undefined) total.cachedInputTokens = (total.cachedInputTokens ?? 0) + more.cachedInputTokens;
  if (more.reasoningTokens !== undefined) total.reasoningTokens = (total.reasoningTokens ?? 0) + more.reasoningTokens;
}
