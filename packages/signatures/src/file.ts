// File inputs: `FileField({ description })` declares a PDF the model reads as a document
// (OpenAI `file` part, Anthropic `document` block). The caller passes the bytes with their media
// type, or a base64 `data:` URL; the value is checked before any request (media type, the bytes
// start like a PDF, size) and becomes a `FilePart`. A file path is never read: the app reads it.
import { createHash } from "node:crypto";
import { FILE_MEDIA_TYPES } from "@kaizen/contracts";
import type { FileMediaType, FilePart } from "@kaizen/contracts";
import { z } from "zod";
import { InputField } from "./field.js";
import type { InputFieldDef } from "./field.js";
import { formatBytes } from "./byte-size.js";

/** Anthropic's request size limit (32 MB), which a PDF has to fit in: the default `maxBytes`. */
export const DEFAULT_FILE_MAX_BYTES = 32 * 1024 * 1024;

/** What a caller may pass for a file input. */
export type FileInput =
  | string
  | {
      /** The file's bytes (a Node `Buffer` is a `Uint8Array`). */
      data: Uint8Array;
      mediaType: FileMediaType;
      /** Shown to the model; default `document.pdf` on OpenAI, none on Anthropic. */
      filename?: string;
    };

export interface FileFieldOptions {
  /** What the model is told this document is. */
  description: string;
  /** The largest file accepted, in bytes. Default 32 MB. */
  maxBytes?: number;
}

export type FileSchema = z.ZodType<FilePart, FileInput>;

const fileSchemas = new WeakSet<z.ZodType>();

/** True when `schema` is the schema of a `FileField`. */
export function isFileSchema(schema: unknown): boolean {
  return typeof schema === "object" && schema !== null && fileSchemas.has(schema as z.ZodType);
}

type Check = { ok: true; part: FilePart } | { ok: false; message: string };

function fromBytes(bytes: Uint8Array, mediaType: unknown, maxBytes: number, filename: unknown): Check {
  if (typeof mediaType !== "string" || !(FILE_MEDIA_TYPES as readonly string[]).includes(mediaType)) {
    const got = typeof mediaType === "string" ? `"${mediaType}"` : "no mediaType";
    return { ok: false, message: `media type ${got} is not accepted; use ${FILE_MEDIA_TYPES.join(", ")}` };
  }
  if (bytes.byteLength === 0) return { ok: false, message: "the file is empty (0 bytes)" };
  if (bytes.byteLength > maxBytes) {
    return {
      ok: false,
      message: `the file is ${formatBytes(bytes.byteLength)}, over the limit of ${formatBytes(maxBytes)} (maxBytes); split or compress it`,
    };
  }
  if (String.fromCharCode(...bytes.subarray(0, 5)) !== "%PDF-") {
    return { ok: false, message: "the bytes are not a PDF (they do not start with %PDF-)" };
  }
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  return {
    ok: true,
    part: { type: "file", mediaType: mediaType as FileMediaType, data, ...(typeof filename === "string" ? { filename } : {}) },
  };
}

function check(value: unknown, maxBytes: number): Check {
  if (typeof value === "string") {
    const match = /^data:([^;,]*);base64,(.*)$/s.exec(value);
    if (match) return fromBytes(Buffer.from(match[2] ?? "", "base64"), match[1], maxBytes, undefined);
    return {
      ok: false,
      message:
        "expected { data, mediaType } or a base64 data: URL; a file path is not read: pass { data: await readFile(path), mediaType }",
    };
  }
  if (typeof value === "object" && value !== null && "data" in value) {
    const given = value as { data: unknown; mediaType?: unknown; filename?: unknown };
    if (!(given.data instanceof Uint8Array))
      return { ok: false, message: "`data` must be a Buffer or Uint8Array of the file's bytes" };
    return fromBytes(given.data, given.mediaType, maxBytes, given.filename);
  }
  return { ok: false, message: 'expected { data: Buffer | Uint8Array, mediaType: "application/pdf" } or a base64 data: URL' };
}

/** Declares a PDF input; see `ImageField` for images. */
export function FileField(options: FileFieldOptions): InputFieldDef<FileSchema, false> {
  const maxBytes = options.maxBytes ?? DEFAULT_FILE_MAX_BYTES;
  const schema = z
    .unknown()
    .transform((value, ctx): FilePart => {
      const result = check(value, maxBytes);
      if (result.ok) return result.part;
      ctx.addIssue({ code: "custom", message: result.message });
      return z.NEVER;
    })
    .meta({ format: "file" }) as unknown as FileSchema;
  fileSchemas.add(schema);
  return InputField({ description: options.description, schema });
}

/** What memory keeps of a file: the sha256 of its bytes, media type, size and name. */
export interface FileReference {
  type: "file-ref";
  sha256: string;
  mediaType: FileMediaType;
  bytes: number;
  filename?: string;
}

export function isFilePart(value: unknown): value is FilePart {
  return typeof value === "object" && value !== null && (value as { type?: unknown }).type === "file";
}

export function fileReference(part: FilePart): FileReference {
  const bytes = Buffer.from(part.data, "base64");
  return {
    type: "file-ref",
    sha256: createHash("sha256").update(bytes).digest("hex"),
    mediaType: part.mediaType,
    bytes: bytes.byteLength,
    ...(part.filename === undefined ? {} : { filename: part.filename }),
  };
}

/** A file input (a part or its stored reference) as one line of text: never the bytes. */
export function fileAsText(value: unknown): string {
  const ref = isFilePart(value)
    ? fileReference(value)
    : typeof value === "object" && value !== null && (value as { type?: unknown }).type === "file-ref"
      ? (value as FileReference)
      : undefined;
  if (ref === undefined) return "[file]";
  return `[file: ${ref.filename === undefined ? "" : `${ref.filename}, `}${ref.mediaType}, ${ref.bytes} bytes, sha256 ${ref.sha256}]`;
}
