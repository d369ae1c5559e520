// Tools and tool messages on the chat completions wire: the assistant's `tool_calls`, `role: "tool"`
// results, and function definitions made strict where the schema allows it. Strict mode turns
// optional properties into required nullable ones, so the arguments of such a tool come back with
// nulls, which are mapped back to absent keys before anyone validates them.
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { contentText } from "@kaizen/contracts";
import type { ChatMessage, ToolCall, ToolSpec } from "@kaizen/contracts";
import { toOpenAIContent } from "./openai-content.js";
import { lowerToStrictSchema, restoreOptionalProperties } from "./openai-schema.js";

export interface OpenAIFunctionTool {
  type: "function";
  function: { name: string; description?: string; parameters: Record<string, unknown>; strict?: boolean };
}

/** Rewrites a call's arguments as the caller's schema means them; only for tools lowered with nulls. */
export type ArgumentRestorer = (call: ToolCall) => ToolCall;

export function toOpenAIMessage(message: ChatMessage): ChatCompletionMessageParam {
  if (message.role === "tool") {
    return { role: "tool", tool_call_id: message.toolCallId ?? "", content: contentText(message.content) };
  }
  if (message.role === "assistant" && message.toolCalls !== undefined && message.toolCalls.length > 0) {
    return {
      role: "assistant",
      content: contentText(message.content) === "" ? null : contentText(message.content),
      tool_calls: message.toolCalls.map((call) => ({
        id: call.id,
        type: "function",
        function: { name: call.name, arguments: call.arguments },
      })),
    };
  }
  // Only user messages take image parts on this wire; system and assistant text stays text.
  if (message.role === "user") return { role: "user", content: toOpenAIContent(message.content) };
  return { role: message.role, content: contentText(message.content) } as ChatCompletionMessageParam;
}

export function toOpenAITools(specs: readonly ToolSpec[]): {
  tools: OpenAIFunctionTool[];
  restore: ArgumentRestorer | undefined;
} {
  const restorers = new Map<string, ToolSpec["parameters"]>();
  const tools = specs.map((spec): OpenAIFunctionTool => {
    const lowering = spec.strict === false ? undefined : lowerToStrictSchema(spec.parameters);
    const strict = lowering?.ok === true;
    if (lowering?.ok && lowering.madeNullable) restorers.set(spec.name, spec.parameters);
    return {
      type: "function",
      function: {
        name: spec.name,
        ...(spec.description ? { description: spec.description } : {}),
        parameters: lowering?.ok ? lowering.schema : spec.parameters,
        ...(strict ? { strict: true } : {}),
      },
    };
  });
  if (restorers.size === 0) return { tools, restore: undefined };
  const restore: ArgumentRestorer = (call) => {
    const schema = restorers.get(call.name);
    if (schema === undefined) return call;
    let value: unknown;
    try {
      value = JSON.parse(call.arguments);
    } catch {
      // Malformed arguments go on as written: the agent reports them to the model.
      return call;
    }
    return { ...call, arguments: JSON.stringify(restoreOptionalProperties(value, schema)) };
  };
  return { tools, restore };
}
