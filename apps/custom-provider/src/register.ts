import { registerProvider } from "@kaizen/providers";
import { CompatHttpProvider } from "./compat-provider.js";

/**
 * Makes the provider available by name: after this, `new BaseAgentConfig({ llmProvider: "my-compat", ... })`
 * works like a built-in one. The factory receives the config's apiKey, baseUrl, timeoutMs and maxRetries;
 * COMPAT_BASE_URL / COMPAT_API_KEY fill in what the config leaves out.
 */
export function registerCompatProvider(name = "my-compat"): void {
  registerProvider(
    name,
    (options) =>
      new CompatHttpProvider({
        baseUrl: options.baseUrl ?? process.env["COMPAT_BASE_URL"] ?? "",
        apiKey: options.apiKey ?? process.env["COMPAT_API_KEY"],
        name,
        timeoutMs: options.timeoutMs,
        maxRetries: options.maxRetries,
      }),
  );
}
