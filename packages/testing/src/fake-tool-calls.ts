// Scripted tool calls, independent of the wire protocol: ids settled when scripted (so a test
// knows them up front), and the tool results a client sent back, read from either protocol.
import { asRecord, makeId, textOf } from "./fake-http.js";
import type { FakeSentToolCall, FakeToolCall, FakeToolResult, RecordedRequest } from "./fake-llm-types.js";

/** The calls of one scripted reply with their ids and JSON text fixed. */
export function settleToolCalls(calls: FakeToolCall | readonly FakeToolCall[]): FakeSentToolCall[] {
  const list: readonly FakeToolCall[] = Array.isArray(calls) ? calls : [calls as FakeToolCall];
  if (list.length === 0) throw new TypeError("toolCalls() needs at least one call: toolCalls([{ name, arguments }]).");
  return list.map((call) => {
    if (typeof call?.name !== "string" || call.name === "") {
      throw new TypeError(`A scripted tool call needs a name, got ${JSON.stringify(call)}.`);
    }
    const args = typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments ?? {});
    // One id shape for both APIs: the ids are fixed before the fake knows which API will ask.
    const id = call.id ?? makeId("call_", 24);
    return { id, name: call.name, arguments: args };
  });
}

/**
 * The tool results a recorded chat request carries, in order: OpenAI `role: "tool"` messages and
 * Anthropic `tool_result` blocks. Lets a test check each result came back under its call's id.
 */
export function toolResultsOf(request: RecordedRequest | unknown): FakeToolResult[] {
  const body = asRecord(isRecorded(request) ? request.body : request);
  const out: FakeToolResult[] = [];
  if (!Array.isArray(body.messages)) return out;
  for (const raw of body.messages) {
    const message = asRecord(raw);
    if (message.role === "tool" && typeof message.tool_call_id === "string") {
      out.push({ toolCallId: message.tool_call_id, content: textOf(message.content) });
    } else if (message.role === "user" && Array.isArray(message.content)) {
      for (const block of message.content.map(asRecord)) {
        if (block.type !== "tool_result" || typeof block.tool_use_id !== "string") continue;
        const result: FakeToolResult = { toolCallId: block.tool_use_id, content: textOf(block.content) };
        if (typeof block.is_error === "boolean") result.isError = block.is_error;
        out.push(result);
      }
    }
  }
  return out;
}

function isRecorded(value: unknown): value is RecordedRequest {
  return typeof value === "object" && value !== null && "path" in value && "body" in value && "receivedAt" in value;
}
