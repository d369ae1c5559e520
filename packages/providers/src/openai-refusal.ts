import type { ChatResponse } from "@kaizen/contracts";

/**
 * OpenAI reports a refusal in `message.refusal` (streamed as `delta.refusal`) while its
 * finish_reason stays "stop": the refusal text, not the finish reason, says the model declined.
 */
export function markRefusal(
  response: ChatResponse,
  refusal: string | null | undefined,
  rawFinishReason: string | null | undefined,
): void {
  if (rawFinishReason) response.rawFinishReason = rawFinishReason;
  if (typeof refusal !== "string" || refusal === "") return;
  response.finishReason = "refusal";
  response.refusal = refusal;
}
