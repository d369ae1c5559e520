import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { parseCsv } from "./csv.js";

export interface QuestionItem {
  /** From the input's `id` when it has one, else the 1-based position of the question. */
  id: string;
  question: string;
}

export type InputFormat = "jsonl" | "csv" | "lines";

export class InputFileError extends Error {
  override name = "InputFileError";
}

/**
 * Reads a questions file: JSONL (`{"question": ...}` or `{"id": ..., "question": ...}` per line),
 * CSV with a `question` column (and optionally `id`), or plain text with one question per line.
 * The format follows the extension (.jsonl/.ndjson, .csv); any other file is JSONL when every
 * line is a JSON object, else one question per line. Blank lines are skipped.
 */
export function readQuestions(path: string): { items: QuestionItem[]; format: InputFormat } {
  const text = readFileSync(path, "utf8").replace(/^\uFEFF/, "");
  const format = detectFormat(path, text);
  const items = format === "csv" ? fromCsv(text) : format === "jsonl" ? fromJsonl(text) : fromLines(text);
  if (items.length === 0) throw new InputFileError(`${path} holds no questions.`);
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.id))
      throw new InputFileError(`${path}: the id ${JSON.stringify(item.id)} appears twice; ids must be unique.`);
    seen.add(item.id);
  }
  return { items, format };
}

function detectFormat(path: string, text: string): InputFormat {
  const ext = extname(path).toLowerCase();
  if (ext === ".jsonl" || ext === ".ndjson") return "jsonl";
  if (ext === ".csv") return "csv";
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  return lines.length > 0 && lines.every((l) => l.trim().startsWith("{")) ? "jsonl" : "lines";
}

function fromLines(text: string): QuestionItem[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((question, i) => ({ id: String(i + 1), question }));
}

function fromJsonl(text: string): QuestionItem[] {
  const items: QuestionItem[] = [];
  text.split(/\r?\n/).forEach((line, lineIndex) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new InputFileError(
        `line ${lineIndex + 1} is not valid JSON. Each line must be {"question": "..."} or {"id": "...", "question": "..."}.`,
      );
    }
    const record = value as { id?: unknown; question?: unknown };
    if (typeof value !== "object" || value === null || typeof record.question !== "string" || !record.question.trim()) {
      throw new InputFileError(`line ${lineIndex + 1} has no "question" string. Each line must be {"question": "..."}.`);
    }
    if (record.id !== undefined && typeof record.id !== "string" && typeof record.id !== "number") {
      throw new InputFileError(`line ${lineIndex + 1}: "id" must be a string or a number.`);
    }
    items.push({ id: record.id === undefined ? String(items.length + 1) : String(record.id), question: record.question.trim() });
  });
  return items;
}

function fromCsv(text: string): QuestionItem[] {
  const rows = parseCsv(text);
  const header = rows.shift()?.map((h) => h.trim().toLowerCase());
  const q = header?.indexOf("question") ?? -1;
  if (!header || q < 0)
    throw new InputFileError(`the CSV header has no "question" column (found: ${header?.join(", ") || "nothing"}).`);
  const idColumn = header.indexOf("id");
  const items: QuestionItem[] = [];
  for (const row of rows) {
    const question = row[q]?.trim();
    if (!question) continue;
    const id = idColumn >= 0 ? row[idColumn]?.trim() : undefined;
    items.push({ id: id || String(items.length + 1), question });
  }
  return items;
}
