import { runProviderConformance } from "@kaizen/testing/conformance";
import { OpenAIProvider } from "./openai-provider.js";

runProviderConformance({
  name: "openai",
  createProvider: ({ openaiBaseUrl, apiKey }) =>
    new OpenAIProvider({ apiKey, baseUrl: openaiBaseUrl, useAsync: true, maxRetries: 2 }),
  supports: { sync: true, embeddings: true, streaming: true, structured: true, retries: true },
});
