// streamAsync for the OpenAI chat completions API (and every OpenAI-compatible endpoint): the
// provider builds the request body as for chatAsync; this turns the SSE chunks into StreamEvents.
import type OpenAI from "openai";
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from "openai/resources/chat/completions";
import { ConfigurationError } from "@kaizen/contracts";
import type { ChatResponse, FinishReason, StreamEvent, StructuredOutputMode, ToolCall, Usage } from "@kaizen/contracts";
import { requestIdFrom } from "./errors-map.js";
import { lowerToStrictSchema, restoreOptionalProperties } from "./openai-schema.js";
import {
  PartialObjectEmitter,
  runProviderStream,
  truncatedStreamError,
  type OpenedStream,
  type ProviderStreamOptions,
  type StreamDriver,
} from "./stream-core.js";
import { markRefusal } from "./openai-refusal.js";
import type { CompatibleVendor } from "./compatible-vendors.js";
import { normalizeCompatibleUsage, usageOfChunk } from "./normalize-compatible-usage.js";

/** One chunk of an OpenAI-style chat-completions stream (what `open` yields). */
export type OpenAIChatChunk = ChatCompletionChunk;

export interface OpenAIStreamOptions extends ProviderStreamOptions {
  /** The provider's async client (created once, keep-alive). Either this or `open`. */
  client?: OpenAI | undefined;
  /**
   * Your own transport instead of an SDK client: POST `body` (already made a stream request) and
   * return the chunks of its event stream, parsed (`readServerSentEvents`, up to `[DONE]`). The
   * signal carries the caller's abort and the time budget: pass it to fetch. A non-2xx answer
   * should throw `mapHttpError(...)`, so it is retried like any other provider's.
   */
  open?:
    ((body: ChatCompletionCreateParamsStreaming, signal: AbortSignal) => Promise<OpenedStream<ChatCompletionChunk>>) | undefined;
  /** The request body the provider built for chatAsync; `stream` options are added here. */
  body: ChatCompletionCreateParamsNonStreaming;
  /** Which structured-output way the body uses, or "none". */
  structuredOutput: StructuredOutputMode | "none";
  /** Cost of the call; undefined when no price is known. */
  computeCost?: ((model: string, usage: Usage) => number | undefined) | undefined;
  /**
   * Turns the final JSON text into `parsed` (e.g. mapping strict mode's nulls back to absent
   * keys). Defaults to JSON.parse; a text that does not parse leaves `parsed` undefined.
   */
  parseOutput?: ((content: string) => unknown) | undefined;
  /** Whether to ask for the final usage chunk. Some compatible servers reject stream_options. */
  includeUsage?: boolean;
  /**
   * The forced function whose arguments are the answer (structured output in tool mode).
   * Default: the output's name when `structuredOutput` is "tool".
   */
  outputToolName?: string | undefined;
  /** Maps strict mode's nulls in the final tool arguments back to absent keys. */
  restoreArguments?: ((call: ToolCall) => ToolCall) | undefined;
  /** How the usage block is read (and where a stream carries it). Default "openai". */
  vendor?: CompatibleVendor | undefined;
}

export function mapOpenAIFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case "stop":
      return "stop";
    case "length":
      return "length";
    case "tool_calls":
    case "function_call":
      return "tool_calls";
    case "content_filter":
      return "content_filter";
    default:
      return "other";
  }
}

function missingTransport(): ConfigurationError {
  const message = "streamOpenAIChat needs `client` (an openai SDK client) or `open` (your own transport). Fix: pass one of them.";
  return new ConfigurationError(message, { field: "open" });
}

function defaultParse(content: string): unknown {
  try {
    return JSON.parse(content);
  } catch {
    return undefined;
  }
}

class OpenAIStreamDriver implements StreamDriver<ChatCompletionChunk> {
  #content = "";
  #refusal = "";
  #model: string;
  #finishReason: string | null | undefined;
  #usage: Usage | undefined;
  #reportedCostUsd: number | undefined;
  readonly #toolCalls = new Map<number, ToolCall>();
  readonly #partial: PartialObjectEmitter | undefined;
  readonly #outputTool: string | undefined;
  /** The index of the (first) call to the output function: its arguments are the answer. */
  #answerIndex: number | undefined;
  /** Wire indexes of the calls seen so far, in order of arrival. */
  readonly #announced = new Set<number>();

  // The call's place among the reply's calls (the answer function, if any, counted too).
  #ordinalOf(wireIndex: number): number {
    let ordinal = 0;
    for (const index of this.#announced) {
      if (index === wireIndex) return ordinal;
      ordinal++;
    }
    return ordinal;
  }

  readonly #options: OpenAIStreamOptions;

  constructor(options: OpenAIStreamOptions) {
    this.#options = options;
    this.#model = options.body.model;
    const output = options.request.output;
    this.#outputTool = options.outputToolName ?? (options.structuredOutput === "tool" ? output?.name : undefined);
    // In strict modes optional properties travel as nullable: partials get them back as absent,
    // like the final `parsed`.
    const strict =
      output !== undefined &&
      (options.structuredOutput === "json_schema" || options.structuredOutput === "tool") &&
      lowerToStrictSchema(output.schema).ok;
    this.#partial =
      output === undefined
        ? undefined
        : new PartialObjectEmitter(strict ? (v) => restoreOptionalProperties(v, output.schema) : undefined);
  }

  #answerText(text: string, emit: (event: StreamEvent) => void): void {
    if (text.length === 0) return;
    this.#content += text;
    emit({ type: "text-delta", delta: text });
    this.#partial?.push(text, emit);
  }

  async open(signal: AbortSignal) {
    const { body, client } = this.#options;
    const params = {
      ...body,
      stream: true as const,
      ...(this.#options.includeUsage === false ? {} : { stream_options: { include_usage: true } }),
    };
    if (this.#options.open) return this.#options.open(params, signal);
    if (!client) throw missingTransport(); // streamOpenAIChat checked already; this narrows the type
    const { data, response } = await client.chat.completions.create(params, { signal, maxRetries: 0 }).withResponse();
    return { chunks: data, requestId: requestIdFrom(response.headers) };
  }

  onChunk(chunk: ChatCompletionChunk, emit: (event: StreamEvent) => void): void {
    if (chunk.model) this.#model = chunk.model;
    const rawUsage = usageOfChunk(chunk, this.#options.vendor ?? "openai");
    if (rawUsage) {
      const normalized = normalizeCompatibleUsage(rawUsage, this.#options.vendor ?? "openai");
      this.#usage = normalized.usage;
      this.#reportedCostUsd = normalized.reportedCostUsd;
    }
    const choice = chunk.choices?.[0];
    if (!choice) return;
    const delta = choice.delta;
    const text = delta?.content;
    if (typeof text === "string") this.#answerText(text, emit);
    if (typeof delta?.refusal === "string") this.#refusal += delta.refusal;
    for (const call of delta?.tool_calls ?? []) {
      let entry = this.#toolCalls.get(call.index);
      if (!entry) {
        entry = { id: call.id ?? `call_${call.index}`, name: call.function?.name ?? "", arguments: "" };
        this.#toolCalls.set(call.index, entry);
      }
      const args = call.function?.arguments ?? "";
      entry.arguments += args;
      const isNew = !this.#announced.has(call.index);
      if (isNew) this.#announced.add(call.index);
      if (isNew && this.#answerIndex === undefined && this.#outputTool !== undefined && entry.name === this.#outputTool) {
        this.#answerIndex = call.index;
      }
      // The forced output function's arguments are the answer: stream them as text and partials.
      if (call.index === this.#answerIndex) this.#answerText(args, emit);
      else {
        if (isNew) emit({ type: "tool-call-start", index: this.#announced.size - 1, id: entry.id, name: entry.name });
        if (args.length > 0) emit({ type: "tool-call-delta", index: this.#ordinalOf(call.index), id: entry.id, delta: args });
      }
    }
    if (choice.finish_reason) this.#finishReason = choice.finish_reason;
  }

  finish(info: { attempts: number; requestId: string | undefined }): ChatResponse {
    const { provider, request } = this.#options;
    // Without a finish_reason the server hung up mid-answer (the SDK does not check for [DONE]).
    if (this.#finishReason === undefined || this.#finishReason === null) {
      throw truncatedStreamError(provider, info.requestId, "the model finished");
    }
    const usage: Usage = this.#usage ?? { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
    const restore = this.#options.restoreArguments;
    const calls = [...this.#toolCalls.entries()]
      .filter(([index]) => index !== this.#answerIndex)
      .map(([, call]) => (restore ? restore(call) : call));
    let finishReason = mapOpenAIFinishReason(this.#finishReason);
    if (this.#answerIndex !== undefined && finishReason === "tool_calls" && calls.length === 0) finishReason = "stop";
    const response: ChatResponse = {
      content: this.#content,
      model: this.#model,
      finishReason,
      usage,
      structuredOutput: this.#options.structuredOutput,
      attempts: info.attempts,
    };
    if (request.output !== undefined) {
      const parsed = (this.#options.parseOutput ?? defaultParse)(this.#content);
      if (parsed !== undefined) response.parsed = parsed;
    }
    if (calls.length > 0) response.toolCalls = calls;
    const answer = this.#answerIndex === undefined ? undefined : this.#toolCalls.get(this.#answerIndex);
    if (answer !== undefined) response.outputToolCall = { ...answer };
    if (info.requestId !== undefined) response.requestId = info.requestId;
    markRefusal(response, this.#refusal, this.#finishReason);
    const cost = this.#reportedCostUsd ?? this.#options.computeCost?.(this.#model, usage);
    if (cost !== undefined) response.costUsd = cost;
    return response;
  }
}

/** The stream of an OpenAI-style chat completion as StreamEvents (text deltas, partial objects, finish). */
export function streamOpenAIChat(options: OpenAIStreamOptions): AsyncIterable<StreamEvent> {
  if (!options.client && !options.open) throw missingTransport();
  return runProviderStream(() => new OpenAIStreamDriver(options), options);
}
