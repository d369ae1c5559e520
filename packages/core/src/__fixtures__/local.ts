// Tiny in-test implementations of the provider and memory contracts, so the lifecycle can be
// tested on its own terms. The HTTP tests use the real providers against the fake LLM server.
import { contentText } from "@kaizen/contracts";
import type { ChatRequest, ChatResponse, LLMProvider, StreamEvent } from "@kaizen/contracts";
import type { LoadOptions, Memory, MemoryContext, NewTurn, Turn } from "@kaizen/memory";
import { z } from "zod";
import { InputField, OutputField, Signature } from "@kaizen/signatures";

export class QASignature extends Signature {
  static override description = "Answer the user's question.";
  question = InputField({ description: "User question" });
  answer = OutputField({ description: "Detailed answer" });
  confidence = OutputField({ description: "Confidence score 0.0-1.0", schema: z.number().min(0).max(1) });
}

export type Answer = string | object | ((request: ChatRequest) => string | object);

/** Answers from a queue (then the fallback), records every request. Sync `chat` and async `chatAsync`. */
export class LocalProvider implements LLMProvider {
  readonly name = "local";
  readonly requests: ChatRequest[] = [];
  readonly queue: Answer[] = [];
  closed = 0;
  constructor(
    private readonly fallback: Answer = (r) => ({ answer: `You asked: ${lastUser(r)}`, confidence: 0.9 }),
    private readonly delayMs = 0,
  ) {}

  respond(request: ChatRequest): ChatResponse {
    this.requests.push(request);
    const answer = this.queue.shift() ?? this.fallback;
    const value = typeof answer === "function" ? answer(request) : answer;
    const content = typeof value === "string" ? value : JSON.stringify(value);
    return {
      content,
      model: request.model,
      finishReason: "stop",
      usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
      costUsd: 0.001,
      structuredOutput: "json_schema",
      requestId: `req_${this.requests.length}`,
      attempts: 1,
    };
  }

  chat(request: ChatRequest): ChatResponse {
    return this.respond(request);
  }

  async chatAsync(request: ChatRequest): Promise<ChatResponse> {
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    request.signal?.throwIfAborted();
    return this.respond(request);
  }

  async *streamAsync(request: ChatRequest): AsyncIterable<StreamEvent> {
    const response = this.respond(request);
    const text = response.content;
    for (let i = 8; i < text.length; i += 8) {
      yield { type: "text-delta", delta: text.slice(i - 8, i) };
      yield { type: "partial-object", object: { answer: text.slice(0, i) } };
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    yield { type: "finish", response };
  }

  async close(): Promise<void> {
    this.closed++;
  }
}

export function lastUser(request: ChatRequest): string {
  return contentText(request.messages.filter((m) => m.role === "user").at(-1)?.content ?? "");
}

/** An in-process memory with both APIs; `asyncOnly` drops the sync ones (like Redis/Postgres). */
export class LocalMemory implements Memory {
  readonly kind: string;
  readonly sessions = new Map<string, Turn[]>();
  constructor(asyncOnly = false) {
    this.kind = asyncOnly ? "remote" : "local";
    if (asyncOnly) {
      Object.defineProperty(this, "load", { value: undefined });
      Object.defineProperty(this, "append", { value: undefined });
      Object.defineProperty(this, "clear", { value: undefined });
    }
  }
  load(sessionId: string, options: Omit<LoadOptions, "signal"> = {}): MemoryContext {
    const turns = this.sessions.get(sessionId) ?? [];
    return { turns: options.maxTurns === undefined ? [...turns] : turns.slice(-options.maxTurns) };
  }
  append(sessionId: string, turn: NewTurn): Turn {
    const turns = this.sessions.get(sessionId) ?? [];
    const stored: Turn = { id: String(Math.random()), sessionId, seq: turns.length + 1, createdAt: Date.now(), ...turn };
    turns.push(stored);
    this.sessions.set(sessionId, turns);
    return stored;
  }
  clear(sessionId: string): void {
    this.sessions.delete(sessionId);
  }
  async loadAsync(sessionId: string, options?: LoadOptions): Promise<MemoryContext> {
    return LocalMemory.prototype.load.call(this, sessionId, options);
  }
  async appendAsync(sessionId: string, turn: NewTurn): Promise<Turn> {
    return LocalMemory.prototype.append.call(this, sessionId, turn);
  }
  async clearAsync(sessionId: string): Promise<void> {
    LocalMemory.prototype.clear.call(this, sessionId);
  }
  async close(): Promise<void> {}
}
