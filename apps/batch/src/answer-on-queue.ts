import { setTimeout as delay } from "node:timers/promises";
import { redactSecrets } from "@kaizen/contracts";
import { KaizenQueue } from "@kaizen/queue";
import type { BatchProgress, KaizenQueueOptions, QueueResult } from "@kaizen/queue";
import type { QueueAnswer } from "./queue-agent.js";
import type { QuestionItem } from "./read-questions.js";
import type { ResultRecord } from "./results.js";

export interface AnswerOnQueueOptions {
  queue: KaizenQueueOptions;
  items: readonly QuestionItem[];
  /** Aborting cancels the batch: what is settled is kept, the rest is reported as cancelled. */
  signal?: AbortSignal;
  timeoutMs?: number;
  secrets?: readonly string[];
  /** How often to read the batch's progress. Default 250 ms. */
  pollIntervalMs?: number;
  onSubmitted?: (batchId: string) => void;
  onProgress?: (progress: BatchProgress) => void;
}

/**
 * Submits the items as one batch for the queue's workers (in any process, on any machine), reports
 * its progress until every item has settled, and returns their records in input order. The batch
 * is removed from Redis once its results are in hand: the results file is where they live.
 */
export async function answerOnQueue(options: AnswerOnQueueOptions): Promise<ResultRecord[]> {
  const { items, signal } = options;
  const queue = new KaizenQueue<{ question: string }, QueueAnswer>(options.queue);
  try {
    const submit: { timeoutMs?: number } = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
    const batchId = await queue.submit(
      items.map((item) => ({ question: item.question })),
      submit,
    );
    options.onSubmitted?.(batchId);
    let progress = await queue.progress(batchId);
    options.onProgress?.(progress);
    while (progress.done < progress.total && signal?.aborted !== true) {
      await delay(options.pollIntervalMs ?? 250, undefined, signal === undefined ? {} : { signal }).catch(() => undefined);
      progress = await queue.progress(batchId);
      options.onProgress?.(progress);
    }
    if (signal?.aborted === true) await queue.cancel(batchId);
    const results = await queue.results(batchId);
    await queue.forget(batchId);
    return results.map((result, position) => recordOf(items[position] as QuestionItem, result, options.secrets));
  } finally {
    await queue.close();
  }
}

function recordOf(item: QuestionItem, result: QueueResult<QueueAnswer>, secrets: readonly string[] | undefined): ResultRecord {
  const { id, question } = item;
  if (result.status === "fulfilled") {
    const { answer, confidence, latencyMs, attempts, usage, costUsd } = result.value;
    return {
      id,
      question,
      status: "ok",
      answer,
      confidence,
      latencyMs,
      ...(attempts === undefined ? {} : { attempts }),
      ...(usage === undefined ? {} : { usage }),
      ...(costUsd === undefined ? {} : { costUsd }),
    };
  }
  // Settled by the cancel (Ctrl-C): not a failure, and asked again on the next run.
  if (result.reason.code === "aborted") return { id, question, status: "cancelled" };
  return { id, question, status: "error", error: redactSecrets(`${result.reason.name}: ${result.reason.message}`, secrets) };
}
