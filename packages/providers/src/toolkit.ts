// `@kaizen/providers/toolkit`: the parts the built-in providers are made of, for people writing
// their own provider. An app that only uses providers imports the main entry; see the README's
// "Toolkit" section for an example provider built on these.

// Retries: the one retry authority (backoff with jitter, Retry-After, a total budget)
export { computeRetryDelayMs, isRetryableError, sleep, sleepSync, withRetry, withRetrySync } from "./retry.js";
export type { AttemptContext, RetryInfo, RetryOptions } from "./retry.js";

// Errors: anything an SDK, fetch or the sync bridge threw, or a non-2xx answer, as a typed KaizenError
export { mapHttpError, mapProviderError, parseRetryAfterMs } from "./errors-map.js";
export type { ErrorMapContext, HttpReply, SerializedError } from "./errors-map.js";

// Concurrency
export { ConcurrencyLimiter } from "./limiter.js";

// The blocking bridge: a synchronous chat() without blocking I/O in JavaScript
export { SyncBridge, SyncBridgeError, createSyncBridge } from "./sync-bridge.js";
export type {
  SdkClientKind,
  SdkClientOptions,
  SyncCallOptions,
  SyncCallResult,
  SyncFetchInit,
  SyncFetchReply,
} from "./sync-bridge.js";

// HTTP: the lean node:http fetch, and server-sent events on eventsource-parser
export { createNodeFetch } from "./node-fetch.js";
export { readServerSentEvents } from "./sse.js";
export type { EventSourceMessage } from "./sse.js";

// JSON: the incremental (linear) partial-JSON parser and the extractor for JSON inside prose
export { PartialJsonParser, parsePartialJson } from "./partial-json.js";
export { parseJsonFromText } from "./json-from-text.js";
export type { PartialJsonOptions } from "./partial-json.js";

// Schemas: the one lowering walker with a rules object per vendor (OpenAI's strict mode,
// Anthropic, or your own), and the two vendors' entry points on it
export { SchemaNotLowerableError, lowerSchema } from "./lower-schema.js";
export type { KeywordVerdict, SchemaLowering, SchemaNodeContext, SchemaRules } from "./lower-schema.js";
export { OPENAI_STRICT_SCHEMA_RULES } from "./openai-schema-rules.js";
export type { StrictCounters } from "./openai-schema-rules.js";
export { ANTHROPIC_SCHEMA_RULES } from "./anthropic-schema-rules.js";
export { lowerToStrictSchema, restoreOptionalProperties } from "./openai-schema.js";
export type { StrictLowering } from "./openai-schema.js";
export { lowerSchemaForAnthropic } from "./anthropic-schema.js";
export type { LoweredSchema } from "./anthropic-schema.js";

// Wire formats: the OpenAI chat-completions body and answer (what every compatible endpoint
// speaks), its SDK streams, structured-output rejections, vendors' usage shapes
export { buildOpenAIChatBody, parseOpenAIChatCompletion } from "./openai-request.js";
export type { OpenAIRequestOptions, OpenAIRequestPlan, ParseCompletionContext } from "./openai-request.js";
export type { ArgumentRestorer } from "./openai-tools.js";
export { streamOpenAIChat } from "./stream-openai.js";
export type { OpenAIChatChunk, OpenAIStreamOptions } from "./stream-openai.js";
export type { OpenedStream } from "./stream-core.js";
export {
  INVALID_OUTPUT_SCHEMA,
  RESPONSE_FORMAT_REJECTION_STATUSES,
  UNSUPPORTED_RESPONSE_FORMAT,
  classifyResponseFormatError,
} from "./response-format-errors.js";
export type { ResponseFormatErrorKind, ResponseFormatRule } from "./response-format-errors.js";
export { VENDOR_USAGE_RULES, normalizeCompatibleUsage } from "./normalize-compatible-usage.js";
export type { NormalizedUsage, VendorUsageRule } from "./normalize-compatible-usage.js";
