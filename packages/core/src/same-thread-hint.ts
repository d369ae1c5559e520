import { TimeoutError } from "@kaizen/contracts";

const LOCAL = /^https?:\/\/(127\.|localhost[:/]|\[::1\])/i;

/**
 * run() blocks its thread while it waits, so a server on that same thread (a fake LLM server
 * started by the code that calls run(), say) can never answer. With a local baseUrl that is the
 * usual cause of a run() timeout, and raising timeoutMs cannot fix it, so the message says so.
 */
export function withSameThreadHint(error: unknown, baseUrl: string | undefined): unknown {
  if (!(error instanceof TimeoutError) || baseUrl === undefined || !LOCAL.test(baseUrl)) return error;
  const hint =
    `Likely cause: the server at ${baseUrl} runs on the thread that called run(), which blocks that thread until the answer comes, so it can never answer. ` +
    "Fix: call runAsync() instead, or run that server on a worker thread (startFakeLLMServerThread() from @kaizen/testing) or in another process; " +
    "if it already is another process and only slow, raise timeoutMs.";
  return new TimeoutError(`${error.message.replace(/\s*(Fix: )?Raise timeoutMs[^.]*\.$/i, "")} ${hint}`, {
    provider: error.provider,
    retryable: error.retryable,
    ...(error.timeoutMs === undefined ? {} : { timeoutMs: error.timeoutMs }),
    cause: error,
  });
}
