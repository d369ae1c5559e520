// Message content on the chat completions wire: a string stays a string; text and image parts
// become `text` and `image_url` parts, an inline image as a `data:` URL (the API takes both a URL
// and base64 there), with OpenAI's `detail` when the part has one; a PDF file part becomes a `file`
// part whose `file_data` is a data: URL, with its filename.
import type { ChatCompletionContentPart } from "openai/resources/chat/completions";
import type { ContentPart, MessageContent } from "@kaizen/contracts";

export function toOpenAIPart(part: ContentPart): ChatCompletionContentPart {
  if (part.type === "text") return { type: "text", text: part.text };
  if (part.type === "file") {
    return {
      type: "file",
      file: {
        file_data: `data:${part.mediaType};base64,${part.data}`,
        // The API wants a name beside inline data.
        filename: part.filename ?? "document.pdf",
      },
    };
  }
  const { source } = part;
  const url = source.kind === "url" ? source.url : `data:${source.mediaType};base64,${source.data}`;
  return { type: "image_url", image_url: { url, ...(part.detail ? { detail: part.detail } : {}) } };
}

export function toOpenAIContent(content: MessageContent): string | ChatCompletionContentPart[] {
  return typeof content === "string" ? content : content.map(toOpenAIPart);
}
