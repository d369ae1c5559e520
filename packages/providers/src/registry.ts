// A name -> factory registry, so configuration can say `llmProvider: "openai"` and users can add
// their own providers under their own names (or replace a built-in).
import { ConfigurationError } from "@kaizen/contracts";
import type { LLMProvider, ProviderFactory, ProviderOptions } from "@kaizen/contracts";
import { BUILTIN_PROVIDERS } from "./builtin-providers.js";

const factories = new Map<string, ProviderFactory>(BUILTIN_PROVIDERS);

/** Adds (or replaces) the factory for `name`. */
export function registerProvider(name: string, factory: ProviderFactory): void {
  if (typeof name !== "string" || name.trim() === "") {
    throw new ConfigurationError("registerProvider: the name must be a non-empty string.", { field: "name" });
  }
  if (typeof factory !== "function") {
    throw new ConfigurationError(`registerProvider("${name}"): the factory must be a function (options) => LLMProvider.`, {
      field: "factory",
    });
  }
  factories.set(name, factory);
}

/** Builds the provider registered as `name`. An unknown name lists the known ones. */
export function createProvider(name: string, options: ProviderOptions = {}): LLMProvider {
  const factory = factories.get(name);
  if (!factory) {
    throw new ConfigurationError(
      `Unknown LLM provider "${name}". Known providers: ${listProviders()
        .map((n) => `"${n}"`)
        .join(", ")}. Register your own with registerProvider(name, factory).`,
      { field: "llmProvider" },
    );
  }
  return factory(options);
}

/** The registered names, sorted. */
export function listProviders(): string[] {
  return [...factories.keys()].sort();
}

/** Removes a registration (mainly for tests). Returns whether it existed. */
export function unregisterProvider(name: string): boolean {
  return factories.delete(name);
}
