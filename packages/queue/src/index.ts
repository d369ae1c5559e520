export { KaizenQueue } from "./queue.js";
export type { KaizenQueueOptions } from "./queue.js";
export { KaizenWorker } from "./worker.js";
export { BatchNotFoundError } from "./errors.js";
export { limiterFor } from "./rate-limit.js";
export type { LimiterWindow, RateLimitOptions } from "./rate-limit.js";
export { serializeError, UNKNOWN_ERROR_CODE } from "./serialize-error.js";
export type { SerializedError } from "./serialize-error.js";
export type { BatchProgress, QueueAgent, QueueResult, ResultsOptions, SubmitOptions, WorkOptions } from "./types.js";
