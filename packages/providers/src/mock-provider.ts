// MockProvider: an in-process provider for users' own unit tests. Deterministic, no network,
// scripted with a queue of replies or a function, and it records every request it was given.
import { AbortError, ConfigurationError, ProviderError, contentForLog } from "@kaizen/contracts";
import type { ChatRequest, ChatResponse, EmbedRequest, EmbedResponse, LLMProvider, StreamEvent, Usage } from "@kaizen/contracts";
import { sleep, sleepSync } from "./retry.js";

const FULL_RESPONSE = Symbol("kaizen.mockResponse");

/** A reply that sets ChatResponse fields directly (finishReason, usage, toolCalls, ...). */
export interface MockFullResponse extends Partial<ChatResponse> {
  readonly [FULL_RESPONSE]: true;
}

/**
 * What a scripted reply can be:
 * - a string: the model's text (parsed as JSON into `parsed` when the request asked for an output);
 * - an Error: thrown (or rejected) for that call, e.g. a RateLimitError;
 * - `mockResponse({...})`: exact response fields;
 * - any other object: the structured answer (content is its JSON, `parsed` the object).
 */
export type MockReply = string | Error | MockFullResponse | Record<string, unknown>;

export type MockResponder = (request: ChatRequest, index: number) => MockReply | Promise<MockReply>;

export interface MockProviderOptions {
  /** Replies used in order, one per call. */
  responses?: MockReply[];
  /** Called when the queue is empty. Must return synchronously for chat(). */
  respond?: MockResponder;
  /** Name used in errors. Default "mock". */
  name?: string;
  /** Delay per call (chat blocks, chatAsync awaits). Default 0. */
  latencyMs?: number;
  /** Length of the deterministic embedding vectors. Default 8. */
  embeddingDimensions?: number;
}

/**
 * A reply in which the model calls tools (parallel when several): `finishReason: "tool_calls"`.
 * Arguments given as an object are sent as its JSON; a string goes as written (e.g. malformed).
 */
export function mockToolCalls(
  calls: ReadonlyArray<{ name: string; arguments: object | string; id?: string }>,
  fields: Partial<ChatResponse> = {},
): MockFullResponse {
  const toolCalls = calls.map((call, i) => ({
    id: call.id ?? `call_mock_${++mockCallCounter}_${i}`,
    name: call.name,
    arguments: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments),
  }));
  return mockResponse({ content: "", finishReason: "tool_calls", ...fields, toolCalls });
}
let mockCallCounter = 0;

/** Marks an object as full response fields rather than a structured answer. */
export function mockResponse(fields: Partial<ChatResponse>): MockFullResponse {
  return { ...fields, [FULL_RESPONSE]: true };
}

function isFull(reply: MockReply): reply is MockFullResponse {
  return typeof reply === "object" && reply !== null && FULL_RESPONSE in reply;
}

function tokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** FNV-1a based, so the same text always yields the same unit vector. */
function embedText(text: string, dimensions: number): number[] {
  const out: number[] = [];
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  for (let d = 0; d < dimensions; d++) {
    hash = Math.imul(hash ^ (d + 1), 16777619);
    out.push(((hash >>> 0) / 0xffffffff) * 2 - 1);
  }
  const norm = Math.sqrt(out.reduce((s, v) => s + v * v, 0)) || 1;
  return out.map((v) => v / norm);
}

export class MockProvider implements LLMProvider {
  readonly name: string;
  /** Takes image parts (they are recorded in `requests` as sent), so agents with image inputs can be tested offline. */
  readonly supportsImages = true;
  /** PDF file parts too (OpenAI `file` parts, Anthropic `document` blocks). */
  readonly supportsFiles: boolean = true;
  /** Every chat request received, in order (also those answered with an error). */
  readonly requests: ChatRequest[] = [];
  /** Every embed request received, in order. */
  readonly embedRequests: EmbedRequest[] = [];
  readonly #queue: MockReply[];
  readonly #respond: MockResponder | undefined;
  readonly #latencyMs: number;
  readonly #dimensions: number;
  #closed = false;

  constructor(options: MockProviderOptions = {}) {
    this.name = options.name ?? "mock";
    this.#queue = [...(options.responses ?? [])];
    this.#respond = options.respond;
    this.#latencyMs = options.latencyMs ?? 0;
    this.#dimensions = options.embeddingDimensions ?? 8;
  }

  /** Adds replies to the end of the queue. */
  enqueue(...replies: MockReply[]): this {
    this.#queue.push(...replies);
    return this;
  }

  /** Replies still queued. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Forgets recorded requests and queued replies. */
  reset(): void {
    this.requests.length = 0;
    this.embedRequests.length = 0;
    this.#queue.length = 0;
  }

  #next(request: ChatRequest): MockReply | Promise<MockReply> {
    if (this.#closed) throw new ProviderError(`${this.name}: the provider was closed.`, { provider: this.name });
    const index = this.requests.length;
    this.requests.push(request);
    const queued = this.#queue.shift();
    if (queued !== undefined) return queued;
    if (this.#respond) return this.#respond(request, index);
    throw new ConfigurationError(
      `${this.name}: no scripted reply left for request #${index + 1}. Pass more responses (new MockProvider({ responses: [...] }) or enqueue()) or a respond function.`,
      { field: "responses" },
    );
  }

  #toResponse(request: ChatRequest, reply: MockReply): ChatResponse {
    if (reply instanceof Error) throw reply;
    const prompt = request.messages.map((m) => contentForLog(m.content)).join("\n");
    const structured = request.output
      ? request.output.mode && request.output.mode !== "auto"
        ? request.output.mode
        : "json_schema"
      : "none";
    let content: string;
    let parsed: unknown;
    let fields: Partial<ChatResponse> = {};
    if (typeof reply === "string") {
      content = reply;
      if (request.output) parsed = tryParse(reply);
    } else if (isFull(reply)) {
      const { [FULL_RESPONSE]: _marker, ...rest } = reply;
      fields = rest;
      content = rest.content ?? (rest.parsed !== undefined ? JSON.stringify(rest.parsed) : "");
      parsed = rest.parsed ?? (request.output ? tryParse(content) : undefined);
    } else {
      content = JSON.stringify(reply);
      parsed = reply;
    }
    const usage: Usage = {
      inputTokens: tokens(prompt),
      outputTokens: tokens(content),
      totalTokens: tokens(prompt) + tokens(content),
    };
    const response: ChatResponse = {
      content,
      model: request.model,
      finishReason: "stop",
      usage,
      structuredOutput: structured,
      attempts: 1,
      ...fields,
    };
    if (parsed !== undefined && response.parsed === undefined) response.parsed = parsed;
    return response;
  }

  chat(request: ChatRequest): ChatResponse {
    if (request.signal?.aborted) throw new AbortError();
    const reply = this.#next(request);
    if (reply instanceof Promise) {
      throw new ConfigurationError(
        `${this.name}: the respond function returned a Promise, which chat() cannot wait for. Return the reply directly, or call chatAsync().`,
        {
          field: "respond",
        },
      );
    }
    sleepSync(this.#latencyMs);
    return this.#toResponse(request, reply);
  }

  async chatAsync(request: ChatRequest): Promise<ChatResponse> {
    if (request.signal?.aborted) throw new AbortError();
    const reply = await this.#next(request);
    if (this.#latencyMs > 0) await sleep(this.#latencyMs, request.signal);
    return this.#toResponse(request, reply);
  }

  async *streamAsync(request: ChatRequest): AsyncIterable<StreamEvent> {
    const response = await this.chatAsync(request);
    // Deterministic chunks of 8 characters, so consumers see several deltas.
    for (let i = 0; i < response.content.length; i += 8) yield { type: "text-delta", delta: response.content.slice(i, i + 8) };
    for (const [index, call] of (response.toolCalls ?? []).entries()) {
      yield { type: "tool-call-start", index, id: call.id, name: call.name };
      for (let i = 0; i < call.arguments.length; i += 8) {
        yield { type: "tool-call-delta", index, id: call.id, delta: call.arguments.slice(i, i + 8) };
      }
    }
    if (response.parsed !== undefined) yield { type: "partial-object", object: response.parsed };
    yield { type: "finish", response };
  }

  embed(request: EmbedRequest): EmbedResponse {
    if (request.signal?.aborted) throw new AbortError();
    sleepSync(this.#latencyMs);
    return this.#embed(request);
  }

  async embedAsync(request: EmbedRequest): Promise<EmbedResponse> {
    if (request.signal?.aborted) throw new AbortError();
    if (this.#latencyMs > 0) await sleep(this.#latencyMs, request.signal);
    return this.#embed(request);
  }

  #embed(request: EmbedRequest): EmbedResponse {
    if (this.#closed) throw new ProviderError(`${this.name}: the provider was closed.`, { provider: this.name });
    this.embedRequests.push(request);
    const dimensions = request.dimensions ?? this.#dimensions;
    const inputTokens = request.texts.reduce((s, t) => s + tokens(t), 0);
    return {
      embeddings: request.texts.map((t) => embedText(t, dimensions)),
      model: request.model,
      usage: { inputTokens, outputTokens: 0, totalTokens: inputTokens },
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
