// The providers `createProvider` knows without registration. One line per built-in; the
// factories receive the options untyped (ProviderOptions) and pass them to the constructor.
import type { ProviderFactory } from "@kaizen/contracts";
import { createAnthropicProvider } from "./anthropic-provider.js";
import { compatibleFactories } from "./compatible-provider.js";
import { MockProvider } from "./mock-provider.js";
import type { MockProviderOptions } from "./mock-provider.js";
import { OpenAIProvider } from "./openai-provider.js";
import type { OpenAIProviderOptions } from "./openai-provider.js";

export const BUILTIN_PROVIDERS: ReadonlyArray<readonly [string, ProviderFactory]> = [
  ["openai", (options) => new OpenAIProvider(options as OpenAIProviderOptions)],
  ["mock", (options) => new MockProvider(options as MockProviderOptions)],
  ["anthropic", createAnthropicProvider],
  ["ollama", compatibleFactories.ollama],
  ["azure", compatibleFactories.azure],
  ["openai-compatible", compatibleFactories["openai-compatible"]],
];
