// Providers with deliberate bugs, run through the conformance suite by
// provider-conformance.negative.test.ts to check that the suite fails them where it should.
import { runProviderConformance } from "../provider-conformance.js";
import { FetchProvider } from "./fetch-provider.js";

runProviderConformance({
  name: "leaks-key",
  createProvider: ({ openaiBaseUrl, apiKey }) =>
    new FetchProvider({ apiKey, baseUrl: openaiBaseUrl, maxRetries: 2, bug: "leaks-key" }),
});

runProviderConformance({
  name: "no-retries",
  createProvider: ({ openaiBaseUrl, apiKey }) => new FetchProvider({ apiKey, baseUrl: openaiBaseUrl, maxRetries: 0 }),
});
