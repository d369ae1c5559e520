// What a handler decides to send, before the server applies latency and writes it. Keeping
// handlers pure (no sockets) makes them cheap and easy to test.
import { randomBytes } from "node:crypto";
import type { FakeFinish, FakeSentToolCall } from "./fake-llm-types.js";

export interface PlannedResponse {
  status: number;
  headers: Record<string, string>;
  /** A complete body (JSON or otherwise). */
  body?: string;
  /** Server-sent events, each a complete `data: ...\n\n` block. */
  events?: string[];
  /** truncated_stream: send only this many events (or this many bytes of `body`) and stop. */
  cutAfter?: number;
}

export interface RequestFlags {
  reply?: string;
  finish?: FakeFinish;
  /** Scripted tool calls: the answer is these calls. */
  toolCalls?: FakeSentToolCall[];
  violate: boolean;
  truncate: boolean;
  malformed: boolean;
  startedAt: number;
}

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const processPrefix = Array.from(randomBytes(10), (b) => ALPHABET[b % 62]).join("");
let counter = 0;

/** Unique ids in the shape real APIs use ("chatcmpl-...", "msg_01..."), cheap to make. */
export function makeId(prefix: string, length = 24): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  const tail = counter.toString(36).padStart(length - processPrefix.length, "0");
  return `${prefix}${processPrefix}${tail}`.slice(0, prefix.length + length);
}

export function sse(data: unknown, event?: string): string {
  const payload = typeof data === "string" ? data : JSON.stringify(data);
  return event === undefined ? `data: ${payload}\n\n` : `event: ${event}\ndata: ${payload}\n\n`;
}

export function jsonResponse(status: number, headers: Record<string, string>, body: unknown): PlannedResponse {
  return { status, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
}

/** Text of a message's content: a string, or the text parts of a content array. */
export function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let out = "";
  for (const part of content) {
    if (part && typeof part === "object") {
      const p = part as Record<string, unknown>;
      if (typeof p.text === "string") out += (out ? "\n" : "") + p.text;
      else if (p.type === "tool_result") out += (out ? "\n" : "") + textOf(p.content);
    }
  }
  return out;
}

export function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The tool a question names ("use get_weather ..."), for tool_choice auto. */
export function toolMentioned<T extends { name: string }>(tools: T[], question: string): T | undefined {
  const lower = question.toLowerCase();
  return tools.find((t) => t.name && lower.includes(t.name.toLowerCase()));
}
