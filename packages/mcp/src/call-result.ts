// What a tool call gives the agent loop: the structured result when the server sent one (that is
// what a tool with an output schema means), otherwise its text. Content a model cannot read as
// text (images, audio, binary resources) is described in a line rather than dropped, so the model
// knows it was there.
import type { CallToolResult, ContentBlock } from "@modelcontextprotocol/sdk/types.js";

/** A tool's output: its `structuredContent`, or its content as text. */
export type McpToolOutput = string | Record<string, unknown>;

function blockText(block: ContentBlock): string {
  switch (block.type) {
    case "text":
      return block.text;
    case "image":
    case "audio":
      return `[${block.type}: ${block.mimeType}, ${Math.floor((block.data.length * 3) / 4)} bytes]`;
    case "resource":
      return "text" in block.resource
        ? block.resource.text
        : `[resource ${block.resource.uri}${block.resource.mimeType ? `: ${block.resource.mimeType}` : ""}]`;
    case "resource_link":
      return `[resource link ${block.uri}${block.name ? ` (${block.name})` : ""}]`;
    default:
      return `[${String((block as { type?: unknown }).type)} content]`;
  }
}

/** The result's content blocks as one string, blocks separated by a newline. */
export function contentText(result: CallToolResult): string {
  return (result.content ?? []).map(blockText).join("\n");
}

export function toolOutput(result: CallToolResult): McpToolOutput {
  if (result.structuredContent !== undefined) return result.structuredContent;
  return contentText(result);
}
