// streamAsync for the Anthropic Messages API: text_delta events become text deltas; with a
// forced output tool its input_json_delta events carry the JSON, which becomes partial objects.
import type Anthropic from "@anthropic-ai/sdk";
import type { RawMessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
import type { ChatResponse, StreamEvent, Usage } from "@kaizen/contracts";
import { TextBlockJoiner, toChatResponse, type AnthropicMessageLike, type AnthropicRequestPlan } from "./anthropic-request.js";
import { requestIdFrom } from "./errors-map.js";
import {
  PartialObjectEmitter,
  runProviderStream,
  truncatedStreamError,
  type ProviderStreamOptions,
  type StreamDriver,
} from "./stream-core.js";

export interface AnthropicStreamOptions extends ProviderStreamOptions {
  client: Anthropic;
  plan: AnthropicRequestPlan;
  costOf: (model: string, usage: Usage) => number | undefined;
}

interface Block {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  json?: string;
  input?: unknown;
  /** A caller's tool call: its place among the reply's calls. */
  ordinal?: number;
}

class AnthropicStreamDriver implements StreamDriver<RawMessageStreamEvent> {
  #model: string;
  #stopReason: string | null = null;
  #stopDetails: AnthropicMessageLike["stop_details"] = null;
  #stopped = false;
  #usage: AnthropicMessageLike["usage"] = {};
  readonly #blocks = new Map<number, Block>();
  #calls = 0;
  readonly #partial: PartialObjectEmitter | undefined;
  readonly #joiner = new TextBlockJoiner();
  readonly #options: AnthropicStreamOptions;

  constructor(options: AnthropicStreamOptions) {
    this.#options = options;
    this.#model = options.plan.params.model;
    this.#partial = options.request.output === undefined ? undefined : new PartialObjectEmitter();
  }

  async open(signal: AbortSignal) {
    const { client, plan } = this.#options;
    const { data, response } = await client.messages
      .create({ ...plan.params, stream: true } as Anthropic.MessageCreateParamsStreaming, { signal, maxRetries: 0 })
      .withResponse();
    return { chunks: data, requestId: requestIdFrom(response.headers) };
  }

  #isOutputBlock(block: Block): boolean {
    return block.type === "tool_use" && block.name !== undefined && block.name === this.#options.plan.outputToolName;
  }

  onChunk(event: RawMessageStreamEvent, emit: (event: StreamEvent) => void): void {
    switch (event.type) {
      case "message_start":
        this.#model = event.message.model || this.#model;
        this.#usage = { ...event.message.usage };
        break;
      case "content_block_start": {
        const start = event.content_block;
        const block: Block = { type: start.type };
        if (start.type === "text") block.text = start.text;
        if (start.type === "tool_use") {
          block.id = start.id;
          block.name = start.name;
          block.json = "";
        }
        this.#blocks.set(event.index, block);
        if (block.type !== "text") this.#joiner.other();
        if (block.type === "tool_use" && !this.#isOutputBlock(block)) {
          block.ordinal = this.#calls++;
          emit({ type: "tool-call-start", index: block.ordinal, id: block.id ?? "", name: block.name ?? "" });
        }
        if (block.text) this.#text(block.text, emit, false);
        break;
      }
      case "content_block_delta": {
        const block = this.#blocks.get(event.index);
        if (!block) break;
        const delta = event.delta;
        if (delta.type === "text_delta") {
          block.text = (block.text ?? "") + delta.text;
          this.#text(delta.text, emit, false);
        } else if (delta.type === "input_json_delta") {
          block.json = (block.json ?? "") + delta.partial_json;
          if (this.#isOutputBlock(block)) this.#text(delta.partial_json, emit, true);
          else if (block.ordinal !== undefined && delta.partial_json !== "") {
            emit({ type: "tool-call-delta", index: block.ordinal, id: block.id ?? "", delta: delta.partial_json });
          }
        }
        break;
      }
      case "content_block_stop": {
        const block = this.#blocks.get(event.index);
        if (block?.type === "tool_use") {
          try {
            block.input = block.json ? JSON.parse(block.json) : {};
          } catch {
            block.input = undefined;
          }
        }
        break;
      }
      case "message_delta":
        this.#stopReason = event.delta.stop_reason ?? this.#stopReason;
        this.#stopDetails = event.delta.stop_details ?? this.#stopDetails;
        // message_delta carries cumulative counts; keep message_start's input side when absent.
        for (const [key, value] of Object.entries(event.usage)) {
          if (value !== null && value !== undefined) (this.#usage as Record<string, unknown>)[key] = value;
        }
        break;
      case "message_stop":
        this.#stopped = true;
        break;
    }
  }

  // The answer text: plain text when no forced tool is used, else the tool's JSON.
  #text(delta: string, emit: (event: StreamEvent) => void, fromOutputTool: boolean): void {
    const plan = this.#options.plan;
    const isAnswer = plan.outputToolName === undefined ? !fromOutputTool : fromOutputTool;
    if (!isAnswer || delta.length === 0) return;
    // Text after another block starts a new paragraph, exactly as toChatResponse joins them.
    const before = fromOutputTool ? "" : this.#joiner.text(delta);
    if (before !== "") {
      emit({ type: "text-delta", delta: before });
      this.#partial?.push(before, emit);
    }
    emit({ type: "text-delta", delta });
    this.#partial?.push(delta, emit);
  }

  finish(info: { attempts: number; requestId: string | undefined }): ChatResponse {
    if (!this.#stopped) throw truncatedStreamError(this.#options.provider, info.requestId, "message_stop");
    const content: AnthropicMessageLike["content"] = [];
    for (const index of [...this.#blocks.keys()].sort((a, b) => a - b)) {
      const block = this.#blocks.get(index) as Block;
      if (block.type === "text") content.push({ type: "text", text: block.text ?? "" });
      else if (block.type === "tool_use")
        content.push({ type: "tool_use", id: block.id, name: block.name, input: block.input, json: block.json });
      // Other blocks (server tools, their results, thinking) only matter for where text breaks.
      else content.push({ type: block.type });
    }
    const message: AnthropicMessageLike = {
      model: this.#model,
      stop_reason: this.#stopReason,
      stop_details: this.#stopDetails,
      content,
      usage: this.#usage,
    };
    return toChatResponse(message, this.#options.plan, { ...info, costOf: this.#options.costOf });
  }
}

export function streamAnthropicChat(options: AnthropicStreamOptions): AsyncIterable<StreamEvent> {
  return runProviderStream(() => new AnthropicStreamDriver(options), options);
}
