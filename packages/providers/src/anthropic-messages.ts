// ChatMessages -> Anthropic `messages`: system text apart, user and assistant strictly
// alternating, an assistant's tool calls as `tool_use` blocks and tool results as `tool_result`
// blocks of the user turn that follows (the API wants every result of a reply in that one turn).
import { contentText } from "@kaizen/contracts";
import type { ChatMessage, MessageContent } from "@kaizen/contracts";
import { toAnthropicContentBlock } from "./anthropic-content.js";
import type { AnthropicDocumentBlock, AnthropicImageBlock } from "./anthropic-content.js";

export type AnthropicBlock =
  | { type: "text"; text: string }
  | AnthropicImageBlock
  | AnthropicDocumentBlock
  | { type: "tool_use"; id: string; name: string; input: unknown }
  | { type: "tool_result"; tool_use_id: string; content: string; is_error?: boolean };

export interface AnthropicMessage {
  role: "user" | "assistant";
  content: string | AnthropicBlock[];
}

function blocksOf(message: ChatMessage): AnthropicBlock[] | undefined {
  if (message.role === "tool") {
    return [
      {
        type: "tool_result",
        tool_use_id: message.toolCallId ?? "",
        content: contentText(message.content),
        ...(message.isError ? { is_error: true } : {}),
      },
    ];
  }
  if (message.role === "assistant" && message.toolCalls !== undefined && message.toolCalls.length > 0) {
    const text = contentText(message.content);
    const blocks: AnthropicBlock[] = text === "" ? [] : [{ type: "text", text }];
    for (const call of message.toolCalls)
      blocks.push({ type: "tool_use", id: call.id, name: call.name, input: inputOf(call.arguments) });
    return blocks;
  }
  return undefined;
}

// tool_use.input must be an object: arguments that do not parse to one travel as an empty input
// (the agent has already reported them to the model as invalid).
function inputOf(args: string): unknown {
  try {
    const value: unknown = JSON.parse(args);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? value : {};
  } catch {
    return {};
  }
}

function asBlocks(content: string | AnthropicBlock[]): AnthropicBlock[] {
  return typeof content === "string" ? [{ type: "text", text: content }] : content;
}

// A user message's text and image parts as blocks; a plain string needs none.
function partBlocks(content: MessageContent): AnthropicBlock[] | undefined {
  return typeof content === "string" ? undefined : content.map(toAnthropicContentBlock);
}

/** Merges consecutive same-role turns: the API wants user and assistant to alternate. */
export function toAnthropicMessages(messages: readonly ChatMessage[]): {
  system: string | undefined;
  messages: AnthropicMessage[];
} {
  const system: string[] = [];
  const out: AnthropicMessage[] = [];
  for (const message of messages) {
    if (message.role === "system") {
      system.push(contentText(message.content));
      continue;
    }
    const role = message.role === "assistant" ? "assistant" : "user";
    const blocks = blocksOf(message) ?? partBlocks(message.content);
    const last = out[out.length - 1];
    if (last === undefined || last.role !== role) {
      out.push({ role, content: blocks ?? contentText(message.content) });
    } else if (blocks === undefined && typeof last.content === "string") {
      last.content = `${last.content}\n\n${contentText(message.content)}`;
    } else {
      last.content = [...asBlocks(last.content), ...(blocks ?? asBlocks(contentText(message.content)))];
    }
  }
  return { system: system.length > 0 ? system.join("\n\n") : undefined, messages: out };
}
