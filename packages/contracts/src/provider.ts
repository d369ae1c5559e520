// The provider contract: what every LLM provider accepts and returns. Kept free of any SDK so
// that implementations, the agent runtime and test suites can all depend on it.
import type { MessageContent } from "./content.js";

export type ChatRole = "system" | "user" | "assistant" | "tool";

/**
 * One message of a conversation. Plain text messages are `{ role, content }` as ever; the tool
 * loop adds two shapes: an assistant message carrying the tool calls it made (`toolCalls`, its
 * `content` the text written beside them, often ""), and a `tool` message carrying one call's
 * result under that call's id. Providers translate both to their wire format.
 *
 * `content` is a string, or (on a user message) an array of text and image parts. A provider that
 * takes image parts says so with `supportsImages`; callers that only need the text use
 * `contentText(message.content)`.
 */
export interface ChatMessage {
  role: ChatRole;
  content: MessageContent;
  /** On an assistant message: the tool calls the model made in that reply, in its order. */
  toolCalls?: ToolCall[];
  /** On a tool message: the id of the call this result answers. */
  toolCallId?: string;
  /** On a tool message: the called tool's name (some APIs want it beside the id). */
  toolName?: string;
  /** On a tool message: the result is an error report (the tool threw, timed out, was denied or got invalid input). */
  isError?: boolean;
}

/** Sampling and length controls, normalised across providers. */
export interface GenerationConfig {
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  stop?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
}

/** A JSON Schema document (draft 2020-12 or 07 subset), as produced by zod's `z.toJSONSchema`. */
export type JsonSchema = Record<string, unknown>;

/**
 * How a provider asks for structured output.
 * - `json_schema`: the API validates against the schema (OpenAI strict mode).
 * - `tool`: a forced tool call whose input schema is the output schema (Anthropic).
 * - `json_object`: the API guarantees JSON; the schema travels in the instructions.
 * - `prompt`: instructions only, for endpoints with no JSON mode.
 */
export type StructuredOutputMode = "json_schema" | "tool" | "json_object" | "prompt";

/**
 * The structured output a request asks for. A provider either has its API enforce the schema
 * (strict JSON schema, a forced tool) or puts the schema into its own instructions: callers such
 * as @kaizen/core do not repeat it in their prompts.
 */
export interface OutputSchemaSpec {
  /** A short identifier, `^[a-zA-Z0-9_-]{1,64}$` (OpenAI and Anthropic both require it). */
  name: string;
  description?: string;
  schema: JsonSchema;
  /** Force one way; by default the provider picks the best its API supports. */
  mode?: StructuredOutputMode | "auto";
}

export interface ToolSpec {
  name: string;
  description?: string;
  parameters: JsonSchema;
  /**
   * Ask the API to hold the arguments to the schema exactly (OpenAI `strict`, Anthropic `strict`),
   * where the schema allows it. The provider decides per schema and sends it non-strict otherwise.
   */
  strict?: boolean;
}

export interface ToolCall {
  id: string;
  name: string;
  /** The arguments as the model wrote them (JSON text). */
  arguments: string;
}

export interface ChatRequest {
  messages: ChatMessage[];
  model: string;
  generationConfig?: GenerationConfig;
  output?: OutputSchemaSpec;
  tools?: ToolSpec[];
  toolChoice?: "auto" | "none" | "required" | { name: string };
  /** Cancels the request at once, including a backoff wait between retries. */
  signal?: AbortSignal;
  /** Total time budget for the call, retries included. */
  timeoutMs?: number;
}

/**
 * Why the model stopped, normalised across vendors. Core turns it into a decision (a refusal is
 * never re-asked, a cut-off answer names `maxTokens`); providers only map it.
 */
export type FinishReason = "stop" | "length" | "tool_calls" | "refusal" | "content_filter" | "other";

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** Input tokens served from the provider's prompt cache, where the API reports them. */
  cachedInputTokens?: number;
  /** Output tokens spent on hidden reasoning, where the API reports them. */
  reasoningTokens?: number;
}

export interface ChatResponse {
  /** The model's text. With structured output this is the JSON text. */
  content: string;
  /** The parsed JSON object when `output` was requested and the text parsed. Not validated here. */
  parsed?: unknown;
  model: string;
  finishReason: FinishReason;
  /** The vendor's own finish reason as it sent it (e.g. "end_turn", "max_tokens", "refusal"). */
  rawFinishReason?: string;
  /** The model's explanation when it refused or was filtered, where the API gives one. */
  refusal?: string;
  usage: Usage;
  /** Cost in US dollars, when a price is known for the model. */
  costUsd?: number;
  /** Which way structured output was requested, or `none` when no output schema was asked. */
  structuredOutput: StructuredOutputMode | "none";
  /** The caller's tool calls (never the answer tool's: that one is `outputToolCall`). */
  toolCalls?: ToolCall[];
  /**
   * In tool mode (`structuredOutput: "tool"`): the call of the forced answer tool whose arguments
   * are `content`, when the reply made one. With `toolCalls` beside it the agent can tell a reply
   * that answered *and* called tools (the answer came before their results) from one that only
   * called tools, and send the answer call a result under its id.
   */
  outputToolCall?: ToolCall;
  requestId?: string;
  /** The API's own id of this answer (OpenAI `chatcmpl-...`, Anthropic `msg_...`), where it sent one. */
  responseId?: string;
  /** How many HTTP attempts the call took (1 when no retry happened). */
  attempts: number;
}

export interface EmbedRequest {
  texts: string[];
  model: string;
  dimensions?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface EmbedResponse {
  /** One vector per input text, in input order. */
  embeddings: number[][];
  model: string;
  usage: Usage;
}

export type StreamEvent =
  | { type: "text-delta"; delta: string }
  /** The model started a tool call: `index` is its place in the reply (parallel calls count from 0). */
  | { type: "tool-call-start"; index: number; id: string; name: string }
  /** More of a tool call's arguments (JSON text, in pieces). */
  | { type: "tool-call-delta"; index: number; id: string; delta: string }
  /** With an output schema: the object parsed so far from the incomplete JSON. */
  | { type: "partial-object"; object: unknown }
  | { type: "finish"; response: ChatResponse };

/**
 * The contract every provider implements. `chat` and `embed` are synchronous: they return the
 * value itself and block the calling thread. The `*Async` ones never block the event loop.
 */
export interface LLMProvider {
  /** A stable name, e.g. "openai", used in errors and logs. */
  readonly name: string;
  /**
   * The provider lowers image parts of a user message to its API. When it is not `true`, a
   * request with image parts fails before it is sent with an UnsupportedContentError.
   */
  readonly supportsImages?: boolean;
  /** The same for file (PDF document) parts. */
  readonly supportsFiles?: boolean;
  chat?(request: ChatRequest): ChatResponse;
  chatAsync(request: ChatRequest): Promise<ChatResponse>;
  embed?(request: EmbedRequest): EmbedResponse;
  embedAsync?(request: EmbedRequest): Promise<EmbedResponse>;
  streamAsync?(request: ChatRequest): AsyncIterable<StreamEvent>;
  /** Releases sockets, worker threads and anything else held. Idempotent. */
  close?(): Promise<void>;
}

/** What a registry factory receives. Provider-specific options ride along untyped. */
export interface ProviderOptions {
  apiKey?: string;
  baseUrl?: string;
  useAsync?: boolean;
  timeoutMs?: number;
  maxRetries?: number;
  [option: string]: unknown;
}

export type ProviderFactory = (options: ProviderOptions) => LLMProvider;
