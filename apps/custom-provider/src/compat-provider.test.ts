import { runProviderConformance } from "@kaizen/testing/conformance";
import { CompatHttpProvider } from "./compat-provider.js";

// The same suite every built-in provider passes, over real HTTP against the fake LLM server.
runProviderConformance({
  name: "my-compat (CompatHttpProvider, written in this app)",
  createProvider: (ctx) => new CompatHttpProvider({ baseUrl: ctx.openaiBaseUrl, apiKey: ctx.apiKey, maxRetries: 2 }),
  supports: { sync: true, streaming: true, structured: true, retries: true },
});
