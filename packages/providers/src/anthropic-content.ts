// Message content on the Anthropic Messages wire: text parts become `text` blocks, image parts
// `image` blocks with a `base64` source (media_type, data) or a `url` source. A `data:` URL is
// turned into a base64 source: the API's url source fetches http(s) only. A PDF file part becomes a
// `document` block with a base64 source (its filename as the title).
import type { ContentPart } from "@kaizen/contracts";

export type AnthropicImageBlock = {
  type: "image";
  source: { type: "base64"; media_type: string; data: string } | { type: "url"; url: string };
};

export type AnthropicDocumentBlock = {
  type: "document";
  source: { type: "base64"; media_type: string; data: string };
  title?: string;
};

export function toAnthropicContentBlock(
  part: ContentPart,
): { type: "text"; text: string } | AnthropicImageBlock | AnthropicDocumentBlock {
  if (part.type === "text") return { type: "text", text: part.text };
  if (part.type === "file") {
    return {
      type: "document",
      source: { type: "base64", media_type: part.mediaType, data: part.data },
      ...(part.filename === undefined ? {} : { title: part.filename }),
    };
  }
  const { source } = part;
  if (source.kind === "base64")
    return { type: "image", source: { type: "base64", media_type: source.mediaType, data: source.data } };
  const dataUrl = /^data:([^;,]+);base64,(.*)$/s.exec(source.url);
  if (dataUrl) return { type: "image", source: { type: "base64", media_type: dataUrl[1] ?? "", data: dataUrl[2] ?? "" } };
  return { type: "image", source: { type: "url", url: source.url } };
}
