// The suite run against a small fetch-based provider: proves the cases are coherent and
// passable. The built-in providers run it in @kaizen/providers.
import { FetchProvider } from "./__fixtures__/fetch-provider.js";
import { runProviderConformance } from "./provider-conformance.js";

runProviderConformance({
  name: "fetch-openai (reference)",
  createProvider: ({ openaiBaseUrl, apiKey }) => new FetchProvider({ apiKey, baseUrl: openaiBaseUrl, maxRetries: 2 }),
  supports: { sync: true, embeddings: true, streaming: true, structured: true, retries: true },
});
