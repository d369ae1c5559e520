export const PACKAGE_NAME = "@kaizen/providers";

// OpenAI
export { OpenAIProvider } from "./openai-provider.js";
export type { OpenAIProviderOptions } from "./openai-provider.js";
export type { HttpClientKind } from "./sdk-provider-base.js";
export { isReasoningModel } from "./openai-request.js";
export { lowerToStrictSchema, restoreOptionalProperties } from "./openai-schema.js";
export type { StrictLowering } from "./openai-schema.js";

// Mock
export { MockProvider, mockResponse, mockToolCalls } from "./mock-provider.js";
export type { MockFullResponse, MockProviderOptions, MockReply, MockResponder } from "./mock-provider.js";

// Registry
export { createProvider, listProviders, registerProvider, unregisterProvider } from "./registry.js";

// Retries, errors, prices, concurrency, the sync bridge
export { computeRetryDelayMs, isRetryableError, sleep, sleepSync, withRetry, withRetrySync } from "./retry.js";
export type { AttemptContext, RetryInfo, RetryOptions } from "./retry.js";
export { mapProviderError, parseRetryAfterMs } from "./errors-map.js";
export { MissingSdkError } from "./missing-sdk.js";
export type { ErrorMapContext } from "./errors-map.js";
export { DEFAULT_PRICES, computeCost, findPrice } from "./prices.js";
export type { ModelPrice, PriceTable } from "./prices.js";
export { ConcurrencyLimiter } from "./limiter.js";
export { SyncBridge, SyncBridgeError, createSyncBridge } from "./sync-bridge.js";
export type { SdkClientKind, SdkClientOptions, SyncCallOptions, SyncCallResult } from "./sync-bridge.js";

// Anthropic and OpenAI-compatible endpoints (the other half of the package)
export { AnthropicProvider, createAnthropicProvider } from "./anthropic-provider.js";
export type { AnthropicProviderOptions } from "./anthropic-provider.js";
export { lowerSchemaForAnthropic } from "./anthropic-schema.js";
export type { LoweredSchema } from "./anthropic-schema.js";
export {
  OLLAMA_DEFAULT_BASE_URL,
  OpenAICompatibleProvider,
  createAzureOpenAIProvider,
  createOllamaProvider,
  createOpenAICompatibleProvider,
} from "./compatible-provider.js";
export type { AzureOpenAIProviderOptions, OpenAICompatibleProviderOptions } from "./compatible-provider.js";

// Streaming
export { PartialJsonParser, parseJsonFromText, parsePartialJson } from "./partial-json.js";
export type { PartialJsonOptions } from "./partial-json.js";
export { streamOpenAIChat } from "./stream-openai.js";
export type { OpenAIStreamOptions } from "./stream-openai.js";
export {
  INVALID_OUTPUT_SCHEMA,
  OutputSchemaRejectedError,
  RESPONSE_FORMAT_REJECTION_STATUSES,
  UNSUPPORTED_RESPONSE_FORMAT,
  classifyResponseFormatError,
} from "./response-format-errors.js";
export type { ResponseFormatErrorKind, ResponseFormatRule } from "./response-format-errors.js";
export { COMPATIBLE_VENDORS, VENDOR_HOSTS, detectVendor } from "./compatible-vendors.js";
export type { CompatibleVendor } from "./compatible-vendors.js";
export { VENDOR_USAGE_RULES, normalizeCompatibleUsage } from "./normalize-compatible-usage.js";
export type { NormalizedUsage, VendorUsageRule } from "./normalize-compatible-usage.js";
