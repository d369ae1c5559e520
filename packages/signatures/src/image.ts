// Image inputs: `ImageField({ description })` declares an input the model sees as an image, not as
// text. The caller passes an https URL, a `data:` URL, or the bytes with their media type; the
// value is checked here, before any request, against the media types both vendors accept and a
// byte limit, and becomes an `ImagePart` of the user message. A file path is never read: the app
// reads the file and passes its bytes, so a prompt can never make Kaizen open a file.
import { IMAGE_MEDIA_TYPES } from "@kaizen/contracts";
import type { ImageMediaType, ImagePart } from "@kaizen/contracts";
import { createHash } from "node:crypto";
import { z } from "zod";
import { InputField } from "./field.js";
import type { AnyInputFieldDef, InputFieldDef } from "./field.js";
import { formatBytes } from "./byte-size.js";
import { fileReference, isFilePart, isFileSchema } from "./file.js";

/** Anthropic's per-image limit on the Messages API (OpenAI's is larger): the default `maxBytes`. */
export const DEFAULT_IMAGE_MAX_BYTES = 5 * 1024 * 1024;

/** What a caller may pass for an image input. */
export type ImageInput =
  | string
  | URL
  | {
      /** The image's bytes (a Node `Buffer` is a `Uint8Array`). */
      data: Uint8Array;
      mediaType: ImageMediaType;
      /** Overrides the field's `detail` for this one image. */
      detail?: ImagePart["detail"];
    };

export interface ImageFieldOptions {
  /** What the model is told this image is. */
  description: string;
  /** The largest image accepted, in bytes (decoded, for a data: URL or bytes). Default 5 MB (5 × 1024 × 1024). */
  maxBytes?: number;
  /** The media types accepted; default and upper bound: image/jpeg, image/png, image/gif, image/webp. */
  mediaTypes?: readonly ImageMediaType[];
  /** OpenAI's fidelity hint (`low`, `high`, `auto`); Anthropic ignores it. */
  detail?: ImagePart["detail"];
  /** The input may be left out at the call site (then no image is sent). */
  optional?: boolean;
}

/** The zod schema of an image input: image inputs in, an `ImagePart` out. */
export type ImageSchema = z.ZodType<ImagePart, ImageInput>;

// Schemas made by ImageField: how the prompt and core tell an image input from a text one.
const imageSchemas = new WeakSet<z.ZodType>();

/** True when `schema` is the schema of an `ImageField`. */
export function isImageSchema(schema: unknown): boolean {
  return typeof schema === "object" && schema !== null && imageSchemas.has(schema as z.ZodType);
}

// The first bytes of each accepted format: vendors reject an image whose bytes do not match its
// declared media type, so the mismatch is caught here with a clearer message.
function sniff(bytes: Uint8Array): ImageMediaType | undefined {
  const at = (i: number): number | undefined => bytes[i];
  if (at(0) === 0x89 && at(1) === 0x50 && at(2) === 0x4e && at(3) === 0x47) return "image/png";
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return "image/jpeg";
  if (at(0) === 0x47 && at(1) === 0x49 && at(2) === 0x46 && at(3) === 0x38) return "image/gif";
  const ascii = (from: number, to: number): string => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 12 && ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "image/webp";
  return undefined;
}

type Check = { ok: true; part: ImagePart } | { ok: false; message: string };

function fromBytes(
  bytes: Uint8Array,
  mediaType: unknown,
  settings: Required<Omit<ImageFieldOptions, "description" | "detail" | "optional">>,
  detail: ImagePart["detail"],
): Check {
  const accepted = settings.mediaTypes.join(", ");
  if (typeof mediaType !== "string" || !(settings.mediaTypes as readonly string[]).includes(mediaType)) {
    const got = typeof mediaType === "string" ? `"${mediaType}"` : "no mediaType";
    return { ok: false, message: `media type ${got} is not accepted; use one of ${accepted} (convert the image first)` };
  }
  if (bytes.byteLength === 0) return { ok: false, message: "the image is empty (0 bytes)" };
  if (bytes.byteLength > settings.maxBytes) {
    return {
      ok: false,
      message: `the image is ${formatBytes(bytes.byteLength)}, over the limit of ${formatBytes(settings.maxBytes)} (maxBytes); resize or compress it, or pass an https URL`,
    };
  }
  const actual = sniff(bytes);
  if (actual !== undefined && actual !== mediaType) {
    return { ok: false, message: `the bytes are ${actual} but mediaType says ${mediaType}; pass mediaType "${actual}"` };
  }
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  return {
    ok: true,
    part: {
      type: "image",
      source: { kind: "base64", mediaType: mediaType as ImageMediaType, data },
      ...(detail ? { detail } : {}),
    },
  };
}

const DATA_URL = /^data:([^;,]*)(;base64)?,(.*)$/s;

function check(
  value: unknown,
  settings: Required<Omit<ImageFieldOptions, "description" | "detail" | "optional">>,
  detail: ImagePart["detail"],
): Check {
  if (value instanceof URL) value = value.href;
  if (typeof value === "string") {
    if (value.startsWith("data:")) {
      const match = DATA_URL.exec(value);
      if (!match || match[2] !== ";base64") {
        return { ok: false, message: "a data: URL must be base64, e.g. data:image/png;base64,iVBOR..." };
      }
      return fromBytes(Buffer.from(match[3] ?? "", "base64"), match[1], settings, detail);
    }
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (url?.protocol === "https:")
      return { ok: true, part: { type: "image", source: { kind: "url", url: url.href }, ...(detail ? { detail } : {}) } };
    return {
      ok: false,
      message:
        "expected an https URL, a data: URL or { data, mediaType }; a file path is not read: pass { data: await readFile(path), mediaType }",
    };
  }
  if (typeof value === "object" && value !== null && "data" in value) {
    const given = value as { data: unknown; mediaType?: unknown; detail?: unknown };
    if (!(given.data instanceof Uint8Array)) {
      return { ok: false, message: "`data` must be a Buffer or Uint8Array of the image's bytes" };
    }
    const own = given.detail === "low" || given.detail === "high" || given.detail === "auto" ? given.detail : detail;
    return fromBytes(given.data, given.mediaType, settings, own);
  }
  return { ok: false, message: "expected an https URL, a data: URL or { data: Buffer | Uint8Array, mediaType }" };
}

/**
 * Declares an image input. The caller passes an https URL (the vendor fetches it), a `data:` URL,
 * or `{ data: Buffer | Uint8Array, mediaType }`; anything else, a media type outside `mediaTypes`
 * or an image over `maxBytes` fails `validateInputs` with an InputValidationError naming the field.
 */
export function ImageField(options: ImageFieldOptions & { optional: true }): InputFieldDef<z.ZodOptional<ImageSchema>, false>;
export function ImageField(options: ImageFieldOptions & { optional?: false }): InputFieldDef<ImageSchema, false>;
export function ImageField(options: ImageFieldOptions & { optional?: boolean }): AnyInputFieldDef {
  const settings = {
    maxBytes: options.maxBytes ?? DEFAULT_IMAGE_MAX_BYTES,
    mediaTypes: options.mediaTypes ?? IMAGE_MEDIA_TYPES,
  };
  const schema = z
    .unknown()
    .transform((value, ctx): ImagePart => {
      const result = check(value, settings, options.detail);
      if (result.ok) return result.part;
      ctx.addIssue({ code: "custom", message: result.message });
      return z.NEVER;
    })
    // Read by the prompt's type rendering: the model is told this input is an image.
    .meta({ format: "image" }) as unknown as ImageSchema;
  imageSchemas.add(schema);
  if (options.optional !== true) return InputField({ description: options.description, schema });
  // `optional: true`: the input may be left out; the wrapper is registered as an image schema too.
  const optional = z.optional(schema);
  imageSchemas.add(optional);
  return InputField({ description: options.description, schema: optional });
}

/**
 * What memory keeps of an image instead of its bytes: the URL (as given), or the sha256 of the
 * bytes with their media type and size. Earlier turns show the model this reference as text.
 */
export type ImageReference =
  { type: "image-ref"; url: string } | { type: "image-ref"; sha256: string; mediaType: ImageMediaType; bytes: number };

/** The memory form of an image input. A `data:` URL counts as bytes, so it is hashed, not kept. */
export function imageReference(part: ImagePart): ImageReference {
  const { source } = part;
  if (source.kind === "url" && !source.url.startsWith("data:")) return { type: "image-ref", url: source.url };
  const bytes =
    source.kind === "base64"
      ? Buffer.from(source.data, "base64")
      : Buffer.from(source.url.slice(source.url.indexOf(",") + 1), "base64");
  const mediaType =
    source.kind === "base64" ? source.mediaType : (source.url.slice(5, source.url.search(/[;,]/)) as ImageMediaType);
  return { type: "image-ref", sha256: createHash("sha256").update(bytes).digest("hex"), mediaType, bytes: bytes.byteLength };
}

function isImagePart(value: unknown): value is ImagePart {
  return typeof value === "object" && value !== null && (value as { type?: unknown }).type === "image";
}

function isImageReference(value: unknown): value is ImageReference {
  return typeof value === "object" && value !== null && (value as { type?: unknown }).type === "image-ref";
}

/** An image input (a part or its stored reference) as one line of text: never the bytes. */
export function imageAsText(value: unknown): string {
  const ref = isImagePart(value) ? imageReference(value) : isImageReference(value) ? value : undefined;
  if (ref === undefined) return "[image]";
  if ("url" in ref) return `[image: ${ref.url}]`;
  return `[image: ${ref.mediaType}, ${ref.bytes} bytes, sha256 ${ref.sha256}]`;
}

/** Replaces every image (and file) input of `inputs` by its reference: what memory stores by default. */
export function withImageReferences(
  fields: readonly { name: string; schema: unknown }[],
  inputs: Record<string, unknown>,
): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const field of fields) {
    const value = inputs[field.name];
    const ref =
      isImageSchema(field.schema) && isImagePart(value)
        ? imageReference(value)
        : isFileSchema(field.schema) && isFilePart(value)
          ? fileReference(value)
          : undefined;
    if (ref === undefined) continue;
    out ??= { ...inputs };
    out[field.name] = ref;
  }
  return out ?? inputs;
}

export { isImagePart };
