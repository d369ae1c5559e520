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

/** The document media types both vendors take as a file part: PDF (Anthropic `document`, OpenAI `file`). */
export const FILE_MEDIA_TYPES = ["application/pdf"] as const;
export type FileMediaType = (typeof FILE_MEDIA_TYPES)[number];

/** A document sent inline (base64). Only PDFs, the one type both vendors read in a chat request. */
export interface FilePart {
  type: "file";
  mediaType: FileMediaType;
  /** The file's bytes, base64. */
  data: string;
  /** Shown to the model (OpenAI `filename`, Anthropic `title`). */
  filename?: string;
}

export type ContentPart = TextPart | ImagePart | FilePart;

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

/** True when the content carries at least one file (document) part. */
export function hasFileParts(content: MessageContent): boolean {
  return typeof content !== "string" && content.some((part) => part.type === "file");
}

function base64Bytes(data: string): number {
  // Every 4 characters hold 3 bytes, less the padding.
  const padding = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
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
  return `[image: ${source.mediaType}, ${base64Bytes(source.data)} bytes]`;
}

/** A short text stand-in for a file part: its name, media type and byte size, never the bytes. */
export function describeFilePart(part: FilePart): string {
  const name = part.filename === undefined ? "" : `${part.filename}, `;
  return `[file: ${name}${part.mediaType}, ${base64Bytes(part.data)} bytes]`;
}

/** The content as text only, each image or file replaced by a short reference: for logs and telemetry. */
export function contentForLog(content: MessageContent): string {
  if (typeof content === "string") return content;
  return content
    .map((part) =>
      part.type === "text" ? part.text : part.type === "image" ? describeImageSource(part.source) : describeFilePart(part),
    )
    .join("\n\n");
}
