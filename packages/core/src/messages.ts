import type { ChatMessage } from "@kaizen/contracts";
import type { MemoryContext } from "@kaizen/memory";
import { renderUserMessage } from "@kaizen/signatures";
import type { AnySignature } from "@kaizen/signatures";

/**
 * The conversation sent to the model: the signature's system prompt (with the session's summary,
 * if the memory keeps one), each earlier turn as a real user/assistant exchange, then this turn's
 * user message. `systemMessage` is built once per agent and shared by every call.
 */
export function buildMessages(
  signature: AnySignature,
  systemMessage: ChatMessage,
  inputs: Record<string, unknown>,
  context: MemoryContext | undefined,
): ChatMessage[] {
  const user: ChatMessage = { role: "user", content: renderUserMessage(signature, inputs as never) };
  if (context === undefined || (context.turns.length === 0 && !context.summary)) return [systemMessage, user];
  const messages: ChatMessage[] = [
    context.summary
      ? { role: "system", content: `${systemMessage.content}\n\nSummary of the earlier conversation:\n${context.summary}` }
      : systemMessage,
  ];
  for (const turn of context.turns) {
    messages.push({ role: "user", content: renderUserMessage(signature, turn.inputs as never) });
    // The turn's tool calls and results, between its question and its answer, as they happened.
    for (const message of exchangeOf(turn.metadata)) messages.push(message);
    messages.push({ role: "assistant", content: JSON.stringify(turn.outputs) });
  }
  messages.push(user);
  return messages;
}

/** The tool exchange a turn stored (`metadata.exchange`), keeping only well-formed messages. */
function exchangeOf(metadata: Record<string, unknown> | undefined): ChatMessage[] {
  const stored = metadata?.exchange;
  if (!Array.isArray(stored)) return [];
  const out: ChatMessage[] = [];
  for (const item of stored as unknown[]) {
    if (typeof item !== "object" || item === null) continue;
    const m = item as ChatMessage;
    if (typeof m.content !== "string") continue;
    if (m.role === "tool" && typeof m.toolCallId === "string") out.push(m);
    else if (m.role === "assistant" && Array.isArray(m.toolCalls)) out.push(m);
  }
  return out;
}
