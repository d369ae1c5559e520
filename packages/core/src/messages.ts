import { contentText } from "@kaizen/contracts";
import type { ChatMessage } from "@kaizen/contracts";
import type { MemoryContext } from "@kaizen/memory";
import { renderUserContent, renderUserMessage } from "@kaizen/signatures";
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
  withTools = true,
): ChatMessage[] {
  // With image inputs this turn's message is text and image parts; earlier turns' images are
  // stored as references and go back to the model as text (renderUserMessage).
  const user: ChatMessage = { role: "user", content: renderUserContent(signature, inputs as never) };
  if (context === undefined || (context.turns.length === 0 && !context.summary)) return [systemMessage, user];
  const messages: ChatMessage[] = [
    context.summary
      ? {
          role: "system",
          content: `${contentText(systemMessage.content)}\n\nSummary of the earlier conversation:\n${context.summary}`,
        }
      : systemMessage,
  ];
  for (const turn of context.turns) {
    messages.push({ role: "user", content: renderUserMessage(signature, turn.inputs as never) });
    // The turn's tool calls and results, between its question and its answer, as they happened.
    // An agent without tools sends no tool definitions, and Anthropic rejects tool_use/tool_result
    // blocks in such a request, so there the exchange travels as text the model can still read.
    const exchange = exchangeOf(turn.metadata);
    if (withTools) for (const message of exchange) messages.push(message);
    else if (exchange.length > 0) messages.push({ role: "assistant", content: exchangeAsText(exchange) });
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

/** A stored tool exchange as one line per call and result, for a request that carries no tools. */
function exchangeAsText(exchange: readonly ChatMessage[]): string {
  const lines: string[] = [];
  for (const m of exchange) {
    if (m.role === "assistant")
      for (const call of m.toolCalls ?? []) lines.push(`Called tool ${call.name} with ${call.arguments}`);
    else lines.push(`Tool ${m.isError === true ? "error" : "result"}: ${contentText(m.content)}`);
  }
  return lines.join("\n");
}
