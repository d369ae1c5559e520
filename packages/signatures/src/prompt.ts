import { compileSignature } from "./compile.js";
import type { CompiledSignature, FieldShape } from "./compile.js";
import type { Signature } from "./signature.js";
import type { ContentPart, MessageContent } from "@kaizen/contracts";
import { imageAsText, isImagePart, isImageSchema } from "./image.js";
import { fileAsText, isFilePart, isFileSchema } from "./file.js";

// An image or file input as text (a stored reference, or for a text-only rendering), else undefined.
function mediaAsText(schema: unknown, value: unknown): string | undefined {
  if (isImageSchema(schema)) return imageAsText(value);
  if (isFileSchema(schema)) return fileAsText(value);
  return undefined;
}

// An image or file part that goes to the model as itself.
function mediaPart(schema: unknown, value: unknown): ContentPart | undefined {
  if (isImageSchema(schema) && isImagePart(value)) return value;
  if (isFileSchema(schema) && isFilePart(value)) return value;
  return undefined;
}

const FALLBACK_DESCRIPTION = "Given the input fields, produce the output fields.";
const FALLBACK_NO_INPUTS = "Produce the output fields.";
// Sent when there is no input to show: some APIs (Anthropic) reject an empty user message.
const EMPTY_USER_MESSAGE = "(no inputs)";

function literal(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

// `- confidence: number (>= 0, <= 1) — Confidence score 0.0-1.0`; `?` marks a field that may be left out.
function fieldLine(field: FieldShape): string {
  const notes = [...field.typeParts.constraints];
  if (field.hasDefault) notes.push(`default: ${literal(field.default)}`);
  const type = notes.length === 0 ? field.typeParts.type : `${field.typeParts.type} (${notes.join(", ")})`;
  return `- ${field.name}${field.optional ? "?" : ""}: ${type} — ${field.description}`;
}

function buildSystemPrompt(compiled: CompiledSignature, withJsonSchema: boolean): string {
  const { shape } = compiled;
  const fallback = compiled.inputFields.length === 0 ? FALLBACK_NO_INPUTS : FALLBACK_DESCRIPTION;
  const sections = [shape.description.trim() === "" ? fallback : shape.description.trim()];
  if (compiled.inputFields.length > 0) sections.push(["Input fields:", ...compiled.inputFields.map(fieldLine)].join("\n"));
  sections.push(["Output fields:", ...compiled.outputFields.map(fieldLine)].join("\n"));
  const format =
    "Respond with a single JSON object containing the output fields and no other keys. " +
    "Do not add any text before or after it and do not wrap it in code fences.";
  if (withJsonSchema) {
    const { $schema: _drop, ...schema } = compiled.outputJsonSchema;
    sections.push([`${format} The object must match this JSON Schema:`, JSON.stringify(schema)].join("\n"));
  } else {
    sections.push(format);
  }
  return sections.join("\n\n");
}

export interface SystemPromptOptions {
  /**
   * Append the outputs' JSON Schema (default true). Leave it out when the schema travels with the
   * request instead, as it does through @kaizen/core: the API enforces it (OpenAI strict mode, a
   * forced tool) or the provider adds it to its own instructions, so a second copy in the prompt
   * only costs input tokens.
   */
  jsonSchema?: boolean;
}

/**
 * The system prompt a signature becomes: its description, the input and output fields with their types and
 * descriptions, and the output format (a single JSON object matching the outputs' JSON Schema). Deterministic:
 * the same signature always renders the same text. Computed once per instance and variant.
 */
export function renderSystemPrompt(sig: Signature, options: SystemPromptOptions = {}): string {
  const compiled = compileSignature(sig);
  if (options.jsonSchema === false) return (compiled.systemPromptWithoutSchema ??= buildSystemPrompt(compiled, false));
  return (compiled.systemPrompt ??= buildSystemPrompt(compiled, true));
}

function renderValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "object" && value !== null) {
    try {
      return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2) ?? String(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}

/**
 * The user message for one run: each input, in declaration order, under its description (`User question
 * (question):`), strings as they are, objects and arrays as indented JSON. Pass the result of `validateInputs`
 * (defaults are rendered for absent inputs either way); absent optional inputs are left out; keys that are not
 * inputs are ignored. With nothing to show it returns `(no inputs)`, never an empty message.
 */
export function renderUserMessage(sig: Signature, inputs: unknown): string {
  const compiled = compileSignature(sig);
  const given = typeof inputs === "object" && inputs !== null ? (inputs as Record<string, unknown>) : {};
  const blocks: string[] = [];
  for (const field of compiled.inputFields) {
    let value = given[field.name];
    if (value === undefined && field.hasDefault) value = field.default;
    if (value === undefined) continue;
    const text = mediaAsText(field.schema, value) ?? renderValue(value);
    blocks.push(`${field.description} (${field.name}):\n${text}`);
  }
  return blocks.length === 0 ? EMPTY_USER_MESSAGE : blocks.join("\n\n");
}

/**
 * The user message for one run as message content: the same text as `renderUserMessage` when the
 * signature has no image input (a string), otherwise text parts with each image input as an image
 * part right after its heading (`Receipt photo (receipt):`). A stored image reference (an earlier
 * turn) stays text: memory does not keep the bytes.
 */
export function renderUserContent(sig: Signature, inputs: unknown): MessageContent {
  const compiled = compileSignature(sig);
  const given = typeof inputs === "object" && inputs !== null ? (inputs as Record<string, unknown>) : {};
  if (!compiled.inputFields.some((f) => mediaPart(f.schema, given[f.name]) !== undefined)) {
    return renderUserMessage(sig, inputs);
  }
  const parts: ContentPart[] = [];
  let text: string[] = [];
  const flush = (): void => {
    if (text.length > 0) parts.push({ type: "text", text: text.join("\n\n") });
    text = [];
  };
  for (const field of compiled.inputFields) {
    let value = given[field.name];
    if (value === undefined && field.hasDefault) value = field.default;
    if (value === undefined) continue;
    const part = mediaPart(field.schema, value);
    if (part !== undefined) {
      text.push(`${field.description} (${field.name}):`);
      flush();
      parts.push(part);
    } else {
      const rendered = mediaAsText(field.schema, value) ?? renderValue(value);
      text.push(`${field.description} (${field.name}):\n${rendered}`);
    }
  }
  flush();
  return parts;
}
