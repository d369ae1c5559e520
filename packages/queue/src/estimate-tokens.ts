import { describeSignature, isImageSchema, outputJsonSchema, renderSystemPrompt, renderUserMessage } from "@kaizen/signatures";
import type { QueueAgent } from "./types.js";

// Per message, what chat APIs add around its text (role, separators).
const PER_MESSAGE_CHARS = 4;
const PER_REQUEST_TOKENS = 4;
// An image costs tokens by its pixel size, which is not known here: both vendors cap a scaled
// image near 1,600 tokens (Anthropic ~1.15 megapixels / 750), so each image input counts that much.
export const TOKENS_PER_IMAGE = 1600;

/**
 * An item's tokens before its call, for the tokens-per-minute limit: the prompt's characters / 4
 * (the usual rule of thumb for English; no tokenizer is shipped for one estimate) plus the
 * answer's budget, `maxTokens`. A `BaseAgent`'s prompt is rendered as it will be sent (system
 * prompt, user message, output schema); any other agent's inputs are counted as JSON. A session's
 * earlier turns are not known here: the correction after the call counts them.
 */
export function estimateTokens(agent: QueueAgent<unknown, unknown>, inputs: unknown): number {
  let chars: number;
  const { signature } = agent;
  if (signature === undefined) chars = JSON.stringify(inputs ?? null).length + PER_MESSAGE_CHARS;
  else {
    chars =
      renderSystemPrompt(signature, { jsonSchema: false }).length +
      renderUserMessage(signature, inputs).length +
      JSON.stringify(outputJsonSchema(signature)).length +
      2 * PER_MESSAGE_CHARS;
  }
  const given = typeof inputs === "object" && inputs !== null ? (inputs as Record<string, unknown>) : {};
  const images =
    signature === undefined
      ? 0
      : Object.values(describeSignature(signature).inputs).filter((f) => isImageSchema(f.schema) && given[f.name] !== undefined)
          .length;
  return Math.ceil(chars / 4) + images * TOKENS_PER_IMAGE + PER_REQUEST_TOKENS + (agent.config?.maxTokens ?? 0);
}
