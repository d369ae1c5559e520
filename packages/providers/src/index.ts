export const PACKAGE_NAME = "@kaizen/providers";

// The main entry keeps what an app uses: providers, the registry, prices, the mock. The parts a
// custom provider is built from (retries, the limiter, the sync bridge, SSE, partial JSON, schema
// lowering, error mapping) are on `@kaizen/providers/toolkit`.

// OpenAI
export { OpenAIProvider } from "./openai-provider.js";
export type { OpenAIProviderOptions } from "./openai-provider.js";
export type { HttpClientKind } from "./sdk-provider-base.js";
export { isReasoningModel } from "./openai-request.js";

// Anthropic and OpenAI-compatible endpoints
export { AnthropicProvider, createAnthropicProvider } from "./anthropic-provider.js";
export type { AnthropicProviderOptions } from "./anthropic-provider.js";
export {
  OLLAMA_DEFAULT_BASE_URL,
  OpenAICompatibleProvider,
  createAzureOpenAIProvider,
  createOllamaProvider,
  createOpenAICompatibleProvider,
} from "./compatible-provider.js";
export type { AzureOpenAIProviderOptions, OpenAICompatibleProviderOptions } from "./compatible-provider.js";
export { COMPATIBLE_VENDORS, VENDOR_HOSTS, detectVendor } from "./compatible-vendors.js";
export type { CompatibleVendor } from "./compatible-vendors.js";

// Mock
export { MockProvider, mockResponse, mockToolCalls } from "./mock-provider.js";
export type { MockFullResponse, MockProviderOptions, MockReply, MockResponder } from "./mock-provider.js";

// Registry
export { createProvider, listProviders, registerProvider, unregisterProvider } from "./registry.js";

// Prices
export { DEFAULT_PRICES, computeCost, findPrice } from "./prices.js";
export type { ModelPrice, PriceTable } from "./prices.js";

// Errors an app may catch besides @kaizen/contracts' family
export { MissingSdkError } from "./missing-sdk.js";
export { OutputSchemaRejectedError } from "./response-format-errors.js";
