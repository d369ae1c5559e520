// Images on both wire protocols, as the fake LLM server sees them: a check that answers a
// malformed image part with the 400 the real API gives (before anything else is looked at), and
// `imagesOf`, which reads the images a recorded request carried so a test can assert the wire shape.
import { asRecord } from "./fake-http.js";
import type { RecordedRequest } from "./fake-llm-types.js";

const MEDIA_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"];
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** One image of a recorded request, the same shape for either API. */
export interface FakeImage {
  protocol: "openai" | "anthropic";
  /** Index of the message in the request's `messages`, and of the part in its content. */
  message: number;
  part: number;
  /** `url`: a URL the API would fetch; `base64`: inline bytes (OpenAI: a data: URL). */
  kind: "url" | "base64";
  url?: string;
  mediaType?: string;
  /** The base64 data of an inline image. */
  data?: string;
  /** OpenAI's `image_url.detail`, when sent. */
  detail?: string;
}

function validBase64(data: string): boolean {
  return data.length > 0 && data.length % 4 === 0 && BASE64.test(data);
}

const PDF_BASE64_START = "JVBERi0"; // "%PDF-" in base64

function openaiFileProblem(file: Record<string, unknown>, where: string, role: unknown): string | undefined {
  if (role !== "user") return `Invalid '${where}': file content parts are only supported in user messages.`;
  if (typeof file.file_id === "string") return undefined;
  if (typeof file.file_data !== "string") return `Missing required parameter: '${where}.file.file_data' (or file_id).`;
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(file.file_data);
  if (
    !match ||
    match[1] !== "application/pdf" ||
    !validBase64(match[2] ?? "") ||
    !(match[2] ?? "").startsWith(PDF_BASE64_START)
  ) {
    return `Invalid '${where}.file.file_data'. Expected a base64-encoded data URL of a PDF (data:application/pdf;base64,...).`;
  }
  if (typeof file.filename !== "string" || file.filename === "") return `Missing required parameter: '${where}.file.filename'.`;
  return undefined;
}

function anthropicDocumentProblem(source: Record<string, unknown>, where: string): string | undefined {
  if (source.type === "base64") {
    if (source.media_type !== "application/pdf") return `${where}.base64.media_type: Input should be 'application/pdf'`;
    if (typeof source.data !== "string" || !validBase64(source.data) || !source.data.startsWith(PDF_BASE64_START)) {
      return `${where}.base64.data: The PDF specified was not valid.`;
    }
    return undefined;
  }
  if (source.type === "url" || source.type === "text" || source.type === "content" || source.type === "file") return undefined;
  return `${where}: Input tag '${String(source.type)}' found using 'type' does not match any of the expected tags: 'base64', 'text', 'content', 'url', 'file'`;
}

/** Why the real chat completions API would refuse these messages' image parts, or undefined. */
export function openaiImageProblem(messages: readonly unknown[]): string | undefined {
  for (const [i, raw] of messages.entries()) {
    const m = asRecord(raw);
    if (!Array.isArray(m.content)) continue;
    for (const [j, rawPart] of m.content.entries()) {
      const part = asRecord(rawPart);
      if (part.type === "file") {
        const problem = openaiFileProblem(asRecord(part.file), `messages[${i}].content[${j}]`, m.role);
        if (problem !== undefined) return problem;
        continue;
      }
      if (part.type !== "image_url") continue;
      const where = `messages[${i}].content[${j}]`;
      if (m.role !== "user") return `Invalid '${where}': image content parts are only supported in user messages.`;
      const image = asRecord(part.image_url);
      if (typeof image.url !== "string" || image.url === "") return `Missing required parameter: '${where}.image_url.url'.`;
      if (image.detail !== undefined && !["low", "high", "auto"].includes(String(image.detail))) {
        return `Invalid value: '${String(image.detail)}'. Supported values are: 'low', 'high', and 'auto'. (param: ${where}.image_url.detail)`;
      }
      if (image.url.startsWith("data:")) {
        const match = /^data:([^;,]+);base64,(.*)$/s.exec(image.url);
        if (!match || !MEDIA_TYPES.includes(match[1] ?? "") || !validBase64(match[2] ?? "")) {
          return `Invalid '${where}.image_url.url'. Expected a base64-encoded data URL with an image MIME type (e.g. 'data:image/png;base64,aW1nIGJ5dGVzIGhlcmU=').`;
        }
      } else if (!/^https?:\/\//.test(image.url)) {
        return `Invalid '${where}.image_url.url'. Expected a valid URL or a base64-encoded data URL.`;
      }
    }
  }
  return undefined;
}

/** Why the real Messages API would refuse these messages' image blocks, or undefined. */
export function anthropicImageProblem(messages: readonly unknown[]): string | undefined {
  for (const [i, raw] of messages.entries()) {
    const m = asRecord(raw);
    if (!Array.isArray(m.content)) continue;
    for (const [j, rawBlock] of m.content.entries()) {
      const block = asRecord(rawBlock);
      if (block.type === "document") {
        const problem = anthropicDocumentProblem(asRecord(block.source), `messages.${i}.content.${j}.document.source`);
        if (problem !== undefined) return problem;
        continue;
      }
      if (block.type !== "image") continue;
      const where = `messages.${i}.content.${j}.image.source`;
      const source = asRecord(block.source);
      if (source.type === "base64") {
        if (!MEDIA_TYPES.includes(String(source.media_type))) {
          return `${where}.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`;
        }
        if (typeof source.data !== "string" || !validBase64(source.data)) {
          return `${where}.base64.data: the image data is not valid base64`;
        }
      } else if (source.type === "url") {
        if (typeof source.url !== "string" || !/^https?:\/\//.test(source.url))
          return `${where}.url.url: Input should be a valid URL`;
      } else {
        return `${where}: Input tag '${String(source.type)}' found using 'type' does not match any of the expected tags: 'base64', 'url', 'file'`;
      }
    }
  }
  return undefined;
}

/** The images a recorded chat request carried, in order, from either protocol. */
export function imagesOf(request: RecordedRequest | unknown): FakeImage[] {
  const recorded = typeof request === "object" && request !== null && "body" in request && "path" in request;
  const body = asRecord(recorded ? (request as RecordedRequest).body : request);
  const out: FakeImage[] = [];
  if (!Array.isArray(body.messages)) return out;
  for (const [i, raw] of body.messages.entries()) {
    const content = asRecord(raw).content;
    if (!Array.isArray(content)) continue;
    for (const [j, rawPart] of content.entries()) {
      const part = asRecord(rawPart);
      if (part.type === "image_url") {
        const image = asRecord(part.image_url);
        const url = String(image.url ?? "");
        const data = /^data:([^;,]+);base64,(.*)$/s.exec(url);
        const detail = typeof image.detail === "string" ? { detail: image.detail } : {};
        out.push(
          data
            ? { protocol: "openai", message: i, part: j, kind: "base64", mediaType: data[1], data: data[2], ...detail }
            : { protocol: "openai", message: i, part: j, kind: "url", url, ...detail },
        );
      } else if (part.type === "image") {
        const source = asRecord(part.source);
        out.push(
          source.type === "base64"
            ? {
                protocol: "anthropic",
                message: i,
                part: j,
                kind: "base64",
                mediaType: String(source.media_type),
                data: String(source.data),
              }
            : { protocol: "anthropic", message: i, part: j, kind: "url", url: String(source.url) },
        );
      }
    }
  }
  return out;
}

/** One file (document) of a recorded request, the same shape for either API. */
export interface FakeFile {
  protocol: "openai" | "anthropic";
  message: number;
  part: number;
  mediaType: string;
  /** The base64 data. */
  data: string;
  /** OpenAI `filename`, Anthropic `title`, when sent. */
  filename?: string;
}

/** The files (PDF documents) a recorded chat request carried, in order, from either protocol. */
export function filesOf(request: RecordedRequest | unknown): FakeFile[] {
  const recorded = typeof request === "object" && request !== null && "body" in request && "path" in request;
  const body = asRecord(recorded ? (request as RecordedRequest).body : request);
  const out: FakeFile[] = [];
  if (!Array.isArray(body.messages)) return out;
  for (const [i, raw] of body.messages.entries()) {
    const content = asRecord(raw).content;
    if (!Array.isArray(content)) continue;
    for (const [j, rawPart] of content.entries()) {
      const part = asRecord(rawPart);
      if (part.type === "file") {
        const file = asRecord(part.file);
        const match = /^data:([^;,]+);base64,(.*)$/s.exec(String(file.file_data ?? ""));
        const name = typeof file.filename === "string" ? { filename: file.filename } : {};
        out.push({ protocol: "openai", message: i, part: j, mediaType: match?.[1] ?? "", data: match?.[2] ?? "", ...name });
      } else if (part.type === "document") {
        const source = asRecord(part.source);
        const name = typeof part.title === "string" ? { filename: part.title } : {};
        out.push({
          protocol: "anthropic",
          message: i,
          part: j,
          mediaType: String(source.media_type),
          data: String(source.data),
          ...name,
        });
      }
    }
  }
  return out;
}
