import { runProviderConformance } from "@kaizen/testing/conformance";
import { OpenAIProvider } from "./openai-provider.js";

runProviderConformance({
  name: "openai",
  createProvider: ({ openaiBaseUrl, apiKey }) =>
    new OpenAIProvider({ apiKey, baseUrl: openaiBaseUrl, useAsync: true, maxRetries: 2 }),
  supports: { sync: true, embeddings: true, streaming: true, structured: true, retries: true },
});

// The same suite on the SDK's own request path (directChat false): both paths must pass it.
runProviderConformance({
  name: "openai (directChat: false)",
  createProvider: ({ openaiBaseUrl, apiKey }) =>
    new OpenAIProvider({ apiKey, baseUrl: openaiBaseUrl, useAsync: true, maxRetries: 2, directChat: false }),
  supports: { sync: true, embeddings: true, streaming: true, structured: true, retries: true },
});
