import { AbortError, ConfigurationError } from "@kaizen/contracts";
import type { BatchOptions, BatchResult, RunOptions } from "./types.js";

/**
 * Runs `run` over every item with at most `concurrency` in flight; every item settles in input
 * order. `report` receives errors thrown by `onProgress`, which never fail the batch.
 */
export async function runBatch<I, O>(
  inputsList: readonly I[],
  options: BatchOptions<I>,
  run: (inputs: I, options: RunOptions) => Promise<O>,
  report: (error: unknown) => void,
): Promise<BatchResult<O>[]> {
  const { concurrency = 16, signal, onProgress, timeoutMs, sessionId, onApproval } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ConfigurationError(
      `concurrency must be a positive integer; got ${String(concurrency)}. Fix: e.g. { concurrency: 16 }.`,
      {
        field: "concurrency",
      },
    );
  }
  const total = inputsList.length;
  const results = new Array<BatchResult<O>>(total);
  let next = 0;
  let done = 0;
  let failed = 0;

  const settle = (index: number, result: BatchResult<O>): void => {
    results[index] = result;
    done++;
    if (result.status === "rejected") failed++;
    if (onProgress === undefined) return;
    try {
      onProgress({ done, total, failed });
    } catch (error) {
      report(error);
    }
  };

  const worker = async (): Promise<void> => {
    while (next < total) {
      const index = next++;
      if (signal?.aborted) {
        settle(index, {
          status: "rejected",
          reason: new AbortError("The batch was aborted before this item started.", { cause: signal.reason }),
        });
        continue;
      }
      const inputs = inputsList[index] as I;
      const runOptions: RunOptions = {};
      if (signal !== undefined) runOptions.signal = signal;
      if (timeoutMs !== undefined) runOptions.timeoutMs = timeoutMs;
      if (onApproval !== undefined) runOptions.onApproval = onApproval;
      try {
        const id = sessionId?.(inputs, index);
        if (id !== undefined) runOptions.sessionId = id;
        settle(index, { status: "fulfilled", value: await run(inputs, runOptions) });
      } catch (reason) {
        settle(index, { status: "rejected", reason });
      }
    }
  };

  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return results;
}
