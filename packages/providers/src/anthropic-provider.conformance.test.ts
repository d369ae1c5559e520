import { runProviderConformance } from "@kaizen/testing/conformance";
import { AnthropicProvider } from "./anthropic-provider.js";

runProviderConformance({
  name: "anthropic",
  model: "claude-haiku-4-5",
  createProvider: ({ anthropicBaseUrl, apiKey }) =>
    new AnthropicProvider({ apiKey, baseUrl: anthropicBaseUrl, useAsync: true, maxRetries: 2 }),
  // Anthropic has no embeddings API: embedAsync is absent.
  supports: { sync: true, structured: true, streaming: true, embeddings: false },
});
