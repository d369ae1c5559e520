import { getRunInfo } from "@kaizen/core";
import type { QAAgent } from "@kaizen/app-shared";
import type { QueueAgent } from "@kaizen/queue";
import type { UsageRecord } from "./results.js";

/** What a queue worker stores per answered question: the answer and how its run went. */
export interface QueueAnswer {
  answer: string;
  confidence: number;
  latencyMs: number;
  attempts?: number;
  usage?: UsageRecord;
  costUsd?: number;
}

/**
 * The agent as a queue worker runs it: the run info (latency, usage, cost) lives beside a result,
 * not on it, and would not cross to the submitter's process, so it is copied onto the result.
 * Onto the same object: the queue's token limit reads its run info to correct its estimate.
 */
export function queueAgentOf(agent: QAAgent): QueueAgent<{ question: string }, QueueAnswer> {
  return {
    signature: agent.signature,
    config: agent.config,
    async runAsync(inputs, options) {
      const started = performance.now();
      const result = await agent.runAsync(inputs, options);
      const info = getRunInfo(result);
      const extra: Omit<QueueAnswer, "answer" | "confidence"> = {
        latencyMs: Math.round(info?.latencyMs ?? performance.now() - started),
      };
      if (info !== undefined) {
        extra.attempts = info.attempts;
        const { inputTokens, outputTokens, totalTokens } = info.usage;
        extra.usage = { inputTokens, outputTokens, totalTokens };
        // Rounded: sums of float prices print as 0.000056099999999999995 otherwise.
        if (info.costUsd !== undefined) extra.costUsd = Number(info.costUsd.toPrecision(6));
      }
      return Object.assign(result, extra);
    },
  };
}
