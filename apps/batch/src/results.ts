import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { QuestionItem } from "./read-questions.js";

export interface UsageRecord {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

export type ResultRecord =
  | {
      id: string;
      question: string;
      status: "ok";
      answer: string;
      confidence: number;
      latencyMs: number;
      attempts?: number;
      usage?: UsageRecord;
      costUsd?: number;
    }
  /** No latency when a queue's worker failed it: the error crossed from that process alone. */
  | { id: string; question: string; status: "error"; error: string; latencyMs?: number }
  /** Stopped by Ctrl-C before it had an answer: not a failure, and asked again on the next run. */
  | { id: string; question: string; status: "cancelled"; latencyMs?: number };

/**
 * The records already in the output file, by id (the last line for an id wins, so a file
 * appended to by an interrupted run still reads right). A torn last line is ignored.
 */
export function readExistingResults(path: string): Map<string, ResultRecord> {
  const byId = new Map<string, ResultRecord>();
  if (!existsSync(path)) return byId;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line.trim()) continue;
    try {
      const record = JSON.parse(line) as ResultRecord;
      if (typeof record.id === "string") byId.set(record.id, record);
    } catch {
      // A line cut short when an earlier run was killed: that item is simply answered again.
    }
  }
  return byId;
}

/** An item is done when the file already holds a successful answer to the same question. */
export function isAnswered(item: QuestionItem, existing: Map<string, ResultRecord>): boolean {
  const record = existing.get(item.id);
  return record?.status === "ok" && record.question === item.question;
}

/**
 * Appends results as soon as every earlier item of this run has one, so the file grows in input
 * order and a killed run loses at most the items in flight.
 */
export class OrderedAppender {
  readonly #path: string;
  readonly #waiting = new Map<number, ResultRecord>();
  #next = 0;

  constructor(path: string) {
    this.#path = path;
  }

  add(position: number, record: ResultRecord): void {
    this.#waiting.set(position, record);
    const lines: string[] = [];
    for (let r = this.#waiting.get(this.#next); r !== undefined; r = this.#waiting.get(this.#next)) {
      lines.push(JSON.stringify(r));
      this.#waiting.delete(this.#next);
      this.#next++;
    }
    if (lines.length > 0) appendFileSync(this.#path, `${lines.join("\n")}\n`);
  }
}

/** Rewrites the file with exactly one line per input item that has a result, in input order. */
export function writeFinalResults(path: string, items: readonly QuestionItem[], byId: Map<string, ResultRecord>): void {
  const lines = items.flatMap((item) => {
    const record = byId.get(item.id);
    return record ? [JSON.stringify(record)] : [];
  });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, lines.length > 0 ? `${lines.join("\n")}\n` : "");
  renameSync(tmp, path);
}
