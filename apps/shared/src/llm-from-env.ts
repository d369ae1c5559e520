import { envValue, type Env } from "./env.js";

/** Which LLM the environment asks for. `fake` means no key is set: the apps start the fake server. */
export type LLMChoice =
  | { kind: "openai"; apiKey: string; baseUrl: string | undefined; model: string }
  | { kind: "anthropic"; apiKey: string; baseUrl: string | undefined; model: string }
  | { kind: "fake"; model: string };

export const DEFAULT_OPENAI_MODEL = "gpt-4o-mini";
export const DEFAULT_ANTHROPIC_MODEL = "claude-3-5-haiku-latest";

/**
 * The one place where the sample apps decide which provider to talk to:
 * `OPENAI_API_KEY` (with `OPENAI_BASE_URL` for any OpenAI-compatible endpoint) wins, then
 * `ANTHROPIC_API_KEY` (with `ANTHROPIC_BASE_URL`), and with neither the fake LLM server from
 * @kaizen/testing stands in, so every app runs on a machine without a key. `MODEL` overrides the model.
 */
export function chooseLLM(env: Env): LLMChoice {
  const model = envValue(env, "MODEL");
  const openaiKey = envValue(env, "OPENAI_API_KEY");
  if (openaiKey) {
    return { kind: "openai", apiKey: openaiKey, baseUrl: envValue(env, "OPENAI_BASE_URL"), model: model ?? DEFAULT_OPENAI_MODEL };
  }
  const anthropicKey = envValue(env, "ANTHROPIC_API_KEY");
  if (anthropicKey) {
    return {
      kind: "anthropic",
      apiKey: anthropicKey,
      baseUrl: envValue(env, "ANTHROPIC_BASE_URL"),
      model: model ?? DEFAULT_ANTHROPIC_MODEL,
    };
  }
  // The fake server speaks the OpenAI protocol; a known model name lets cost be computed too.
  return { kind: "fake", model: model ?? DEFAULT_OPENAI_MODEL };
}
