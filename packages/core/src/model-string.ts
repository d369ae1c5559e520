import { ConfigurationError } from "@kaizen/contracts";
import { listProviders } from "@kaizen/providers";

/**
 * Splits a `"provider:model"` string ("openai:gpt-4o", "anthropic:claude-sonnet-4-6") into
 * `llmProvider` and `model`. Only a registered provider name counts as a prefix: model ids that
 * contain colons themselves ("ft:gpt-4o:org::id", "llama3:8b", "anthropic.claude-opus-4-7-v1:0")
 * pass through unchanged.
 */
export function withModelString<O extends { llmProvider?: string; model?: unknown }>(options: O): O {
  if (options === null || typeof options !== "object" || typeof options.model !== "string") return options;
  const colon = options.model.indexOf(":");
  if (colon <= 0) return options;
  const prefix = options.model.slice(0, colon);
  if (!listProviders().includes(prefix)) return options;
  const model = options.model.slice(colon + 1);
  if (options.llmProvider !== undefined && options.llmProvider !== prefix) {
    throw new ConfigurationError(
      `model "${options.model}" names the provider "${prefix}" but llmProvider is "${options.llmProvider}". Fix: drop llmProvider, or write model: "${model}".`,
      { field: "model" },
    );
  }
  if (model.trim() === "") {
    throw new ConfigurationError(
      `model "${options.model}" names no model after "${prefix}:". Fix: write the model id after the colon, e.g. model: "openai:gpt-4o".`,
      {
        field: "model",
      },
    );
  }
  return { ...options, llmProvider: prefix, model };
}
