// The tool calls a stored turn made, read back from its exchange (`metadata.exchange`), so the
// history shows what the live answer showed. Only what memory keeps: no step timings.
import { contentText } from "@kaizen/contracts";
import type { ChatMessage } from "@kaizen/contracts";
import type { HistoryToolCall } from "./tool-schemas.js";

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The turn's tool calls in order, or undefined when it made none. */
export function historyToolCallsOf(metadata: Record<string, unknown> | undefined): HistoryToolCall[] | undefined {
  const exchange = metadata?.["exchange"];
  if (!Array.isArray(exchange)) return undefined;
  const messages = exchange as ChatMessage[];
  const results = new Map<string, ChatMessage>();
  for (const m of messages) if (m.role === "tool" && typeof m.toolCallId === "string") results.set(m.toolCallId, m);
  const calls: HistoryToolCall[] = [];
  for (const m of messages) {
    if (m.role !== "assistant" || !Array.isArray(m.toolCalls)) continue;
    for (const call of m.toolCalls) {
      const result = results.get(call.id);
      const failed = result === undefined || result.isError === true;
      calls.push({
        id: call.id,
        name: call.name,
        input: parsed(call.arguments),
        status: failed ? "error" : "ok",
        ...(failed
          ? { error: result === undefined ? "no result was recorded" : contentText(result.content) }
          : { output: parsed(contentText(result.content)) }),
      });
    }
  }
  return calls.length > 0 ? calls : undefined;
}
