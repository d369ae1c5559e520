import type { QAAgent } from "@kaizen/app-shared";
import { KaizenQueue } from "@kaizen/queue";
import type { KaizenQueueOptions } from "@kaizen/queue";
import { queueAgentOf } from "./queue-agent.js";
import type { QueueAnswer } from "./queue-agent.js";

export interface QueueWorkerOptions {
  queue: KaizenQueueOptions;
  agent: QAAgent;
  concurrency: number;
  /** Stops taking items; the running ones finish before this resolves. */
  signal: AbortSignal;
  onReady?: () => void;
}

/** Answers the queue's items, of every batch submitted to it, until the signal aborts. */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<void> {
  const queue = new KaizenQueue<{ question: string }, QueueAnswer>(options.queue);
  try {
    await queue.work(queueAgentOf(options.agent), { concurrency: options.concurrency });
    options.onReady?.();
    if (!options.signal.aborted) {
      await new Promise<void>((resolve) => options.signal.addEventListener("abort", () => resolve(), { once: true }));
    }
  } finally {
    await queue.close();
  }
}
