// Message content on the chat completions wire: a string stays a string; text and image parts
// become `text` and `image_url` parts, an inline image as a `data:` URL (the API takes both a URL
// and base64 there), with OpenAI's `detail` when the part has one.
import type { ChatCompletionContentPart } from "openai/resources/chat/completions";
import type { ContentPart, MessageContent } from "@kaizen/contracts";

export function toOpenAIPart(part: ContentPart): ChatCompletionContentPart {
  if (part.type === "text") return { type: "text", text: part.text };
  const { source } = part;
  const url = source.kind === "url" ? source.url : `data:${source.mediaType};base64,${source.data}`;
  return { type: "image_url", image_url: { url, ...(part.detail ? { detail: part.detail } : {}) } };
}

export function toOpenAIContent(content: MessageContent): string | ChatCompletionContentPart[] {
  return typeof content === "string" ? content : content.map(toOpenAIPart);
}
