import { getRunInfo } from "@kaizen/core";
import { redactSecrets } from "@kaizen/contracts";
import type { QAAgent } from "@kaizen/app-shared";
import type { QuestionItem } from "./read-questions.js";
import type { ResultRecord } from "./results.js";

export interface AnswerAllOptions {
  agent: QAAgent;
  items: readonly QuestionItem[];
  /** At most this many runAsync calls in flight. */
  concurrency: number;
  signal?: AbortSignal;
  timeoutMs?: number;
  secrets?: readonly string[];
  /** Called as each item settles, with its position in `items`. */
  onResult?: (position: number, record: ResultRecord) => void;
}

/**
 * Answers every item through runAsync, `concurrency` at a time: a worker pool pulling the next
 * position, so a slow question never holds back the ones behind it. Failures become error
 * records, items stopped by the signal cancelled records; nothing here throws for one bad item.
 */
export async function answerAll(options: AnswerAllOptions): Promise<ResultRecord[]> {
  const { agent, items } = options;
  const records = new Array<ResultRecord>(items.length);
  let next = 0;
  const worker = async () => {
    for (let position = next++; position < items.length; position = next++) {
      const item = items[position]!;
      const started = performance.now();
      let record: ResultRecord;
      try {
        if (options.signal?.aborted) throw options.signal.reason ?? new Error("aborted");
        const result = await agent.runAsync(
          { question: item.question },
          { signal: options.signal, timeoutMs: options.timeoutMs },
        );
        const info = getRunInfo(result);
        record = {
          id: item.id,
          question: item.question,
          status: "ok",
          answer: result.answer,
          confidence: result.confidence,
          latencyMs: Math.round(info?.latencyMs ?? performance.now() - started),
          ...(info
            ? {
                attempts: info.attempts,
                usage: {
                  inputTokens: info.usage.inputTokens,
                  outputTokens: info.usage.outputTokens,
                  totalTokens: info.usage.totalTokens,
                },
                // Rounded: sums of float prices print as 0.000056099999999999995 otherwise.
                ...(info.costUsd !== undefined ? { costUsd: Number(info.costUsd.toPrecision(6)) } : {}),
              }
            : {}),
        };
      } catch (err) {
        const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        const latencyMs = Math.round(performance.now() - started);
        record = options.signal?.aborted
          ? { id: item.id, question: item.question, status: "cancelled", latencyMs }
          : {
              id: item.id,
              question: item.question,
              status: "error",
              error: redactSecrets(message, options.secrets),
              latencyMs,
            };
      }
      records[position] = record;
      options.onResult?.(position, record);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, items.length)) }, worker));
  return records;
}
