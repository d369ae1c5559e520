// Message content beyond plain text: a message's `content` is either a string (as it always was) or
// an array of parts, text and images. Kept SDK-free like the rest of the contract; providers lower
// the parts to their own wire shapes (OpenAI `image_url` parts, Anthropic `image` blocks).

/** The image media types both OpenAI and Anthropic accept. */
export const IMAGE_MEDIA_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"] as const;
export type ImageMediaType = (typeof IMAGE_MEDIA_TYPES)[number];

/** Where an image's bytes are: a URL the vendor fetches itself, or the bytes inline as base64. */
export type ImageSource = { kind: "url"; url: string } | { kind: "base64"; mediaType: ImageMediaType; data: string };

export interface TextPart {
  type: "text";
  text: string;
}

export interface ImagePart {
  type: "image";
  source: ImageSource;
  /** OpenAI's fidelity hint (`image_url.detail`); Anthropic has no equivalent and ignores it. */
  detail?: "low" | "high" | "auto";
}

export type ContentPart = TextPart | ImagePart;

/** A message's content: plain text, or text and image parts in order. */
export type MessageContent = string | ContentPart[];

/**
 * The text of a message's content: the string itself, or its text parts joined by a blank line.
 * Image parts are left out; use it where only text can go (a system prompt, a token estimate, a log).
 */
export function contentText(content: MessageContent): string {
  if (typeof content === "string") return content;
  return content
    .filter((part): part is TextPart => part.type === "text")
    .map((part) => part.text)
    .join("\n\n");
}

/** True when the content carries at least one image part. */
export function hasImageParts(content: MessageContent): boolean {
  return typeof content !== "string" && content.some((part) => part.type === "image");
}

/**
 * A short text stand-in for an image, safe for logs, telemetry and memory: the URL (without its
 * query string, which may carry a signed token), or the media type and byte size of inline data.
 * Never the bytes.
 */
export function describeImageSource(source: ImageSource): string {
  if (source.kind === "url") {
    if (source.url.startsWith("data:")) return `[image: data URL]`;
    const cut = source.url.search(/[?#]/);
    return `[image: ${cut < 0 ? source.url : `${source.url.slice(0, cut)}?…`}]`;
  }
  // base64 length -> bytes: every 4 characters hold 3 bytes, less the padding.
  const padding = source.data.endsWith("==") ? 2 : source.data.endsWith("=") ? 1 : 0;
  const bytes = Math.max(0, Math.floor((source.data.length * 3) / 4) - padding);
  return `[image: ${source.mediaType}, ${bytes} bytes]`;
}

/** The content as text only, each image replaced by `describeImageSource`: for logs and telemetry. */
export function contentForLog(content: MessageContent): string {
  if (typeof content === "string") return content;
  return content.map((part) => (part.type === "text" ? part.text : describeImageSource(part.source))).join("\n\n");
}
