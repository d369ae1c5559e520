// Decides what the fake model says for a chat request, independent of the wire protocol: plain
// text, a JSON object for a schema, or a tool call. Same input, same output.
import { answerQuestion } from "./fake-answer.js";
import { sampleFromSchema, violateSchema, type Schema } from "./schema-sample.js";

export interface CompletionInput {
  /** The text of the last user message. */
  question: string;
  /** When the conversation ends with a tool result: its text. */
  toolResult?: string;
  /** Structured output as text (OpenAI json_schema, Anthropic output_config). */
  schema?: Schema;
  /** JSON mode without a schema: answer an object, using a schema found in the prompt if any. */
  jsonMode?: boolean;
  /**
   * The system prompt. A JSON Schema written in it is followed, like a model following its
   * instructions: in JSON mode, and also without one ("prompt" mode for endpoints with no JSON mode).
   */
  systemText?: string;
  /** The tool the model calls. */
  tool?: { name: string; schema: Schema };
  /** A scripted reply: exact text, or the tool's arguments as JSON text. */
  reply?: string;
  /** The schema_violation fault. */
  violate?: boolean;
  /** Output budget in tokens; longer answers are cut and finish with "length". */
  maxTokens?: number;
  /** Stop sequences: the answer ends before the first one it contains. */
  stop?: string[];
}

export type Completion =
  | { kind: "text"; text: string; truncated: boolean; stopSequence?: string }
  | { kind: "tool"; name: string; arguments: string; truncated: boolean };

/** Tokens as the fake counts them: about four characters each, never zero for non-empty text. */
export function countTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

export function composeCompletion(input: CompletionInput): Completion {
  if (input.tool) {
    const args = input.reply ?? JSON.stringify(structuredAnswer(input, input.tool.schema));
    return { kind: "tool", name: input.tool.name, arguments: args, truncated: false };
  }
  let text: string;
  if (input.reply !== undefined) text = input.reply;
  else if (input.schema) text = JSON.stringify(structuredAnswer(input, input.schema));
  else if (input.jsonMode) {
    const found = findSchemaInText(`${input.systemText ?? ""}\n${input.question}`);
    text = JSON.stringify(found ? structuredAnswer(input, found) : violateOrPlain(input));
  } else {
    const found = input.systemText && input.toolResult === undefined ? findSchemaInText(input.systemText) : undefined;
    if (found) text = JSON.stringify(structuredAnswer(input, found));
    else if (input.violate) text = JSON.stringify({ unexpected: "this answer does not follow any schema" });
    else text = plainAnswer(input);
  }
  let stopSequence: string | undefined;
  for (const stop of input.stop ?? []) {
    const at = stop === "" ? -1 : text.indexOf(stop);
    if (at !== -1 && (stopSequence === undefined || at < text.indexOf(stopSequence))) stopSequence = stop;
  }
  if (stopSequence !== undefined) text = text.slice(0, text.indexOf(stopSequence));
  const budget = input.maxTokens;
  if (budget !== undefined && budget > 0 && countTokens(text) > budget) {
    return { kind: "text", text: text.slice(0, budget * 4), truncated: true };
  }
  return stopSequence === undefined
    ? { kind: "text", text, truncated: false }
    : { kind: "text", text, truncated: false, stopSequence };
}

function plainAnswer(input: CompletionInput): string {
  if (input.toolResult !== undefined) {
    const result = input.toolResult.replace(/\s+/g, " ").trim().slice(0, 200);
    return `Based on the tool result: ${result}`;
  }
  return answerQuestion(input.question).text;
}

function violateOrPlain(input: CompletionInput): Record<string, unknown> {
  const answer = answerQuestion(input.question).text;
  return input.violate ? { answer: 12345 } : { answer };
}

function structuredAnswer(input: CompletionInput, schema: Schema): unknown {
  const answer = answerQuestion(input.question);
  const value = sampleFromSchema(schema, { answer: answer.text, answerNumber: answer.number, topic: answer.topic });
  return input.violate ? violateSchema(schema, value) : value;
}

const schemaCache = new Map<string, Schema | null>();

/**
 * Finds a JSON Schema written into a prompt (JSON mode puts it in the instructions). Cached,
 * because benchmarks send the same system prompt thousands of times.
 */
export function findSchemaInText(text: string): Schema | undefined {
  if (!text.includes("{")) return undefined;
  const cached = schemaCache.get(text);
  if (cached !== undefined) return cached ?? undefined;
  const found = scanForSchema(text);
  if (schemaCache.size > 256) schemaCache.clear();
  schemaCache.set(text, found ?? null);
  return found;
}

function scanForSchema(text: string): Schema | undefined {
  let attempts = 0;
  for (let start = text.indexOf("{"); start !== -1 && attempts < 64; start = text.indexOf("{", start + 1)) {
    attempts++;
    const end = matchingBrace(text, start);
    if (end === -1) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text.slice(start, end + 1));
    } catch {
      continue;
    }
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      const obj = parsed as Schema;
      if (typeof obj.properties === "object" || obj.type === "object") return obj;
    }
  }
  return undefined;
}

function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{") depth++;
    else if (ch === "}") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Splits text into small pieces (a few characters each), like a model's token stream. */
export function chunkText(text: string): string[] {
  const pieces = text.match(/\s*[^\s]{1,6}|\s+/g);
  return pieces ?? [];
}
