import { runProviderConformance } from "@kaizen/testing/conformance";
import { createOpenAICompatibleProvider } from "./compatible-provider.js";

runProviderConformance({
  name: "openai-compatible",
  createProvider: ({ openaiBaseUrl, apiKey }) =>
    createOpenAICompatibleProvider({ apiKey, baseUrl: openaiBaseUrl, useAsync: true, maxRetries: 2 }),
  supports: { sync: true, structured: true, streaming: true, embeddings: true },
});
