// OpenAIProvider: the seed's OpenAIProvider(use_async=True) with chat_async/embed_async, in
// TypeScript. Two clients, each created once and kept alive: the async one is the `openai` SDK on
// this thread; the sync one lives on the sync bridge's worker, so `chat()` truly blocks and
// returns the value itself. Both run through the same request builder, retry authority and error
// mapping; the SDK's own retries are off so retries never multiply.
import OpenAI, { AzureOpenAI } from "openai";
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from "openai/resources/embeddings";
import { ConfigurationError, ProviderError } from "@kaizen/contracts";
import type { ChatRequest, ChatResponse, EmbedRequest, EmbedResponse, LLMProvider, StreamEvent, Usage } from "@kaizen/contracts";
import { mapProviderError } from "./errors-map.js";
import { ConcurrencyLimiter, mapWithConcurrency } from "./limiter.js";
import { createNodeFetch } from "./node-fetch.js";
import { planEmbeddingBatches, MAX_EMBEDDING_INPUTS, MAX_EMBEDDING_TOKENS } from "./openai-embeddings.js";
import type { EmbeddingBatch } from "./openai-embeddings.js";
import { buildOpenAIChatBody, parseOpenAIChatCompletion } from "./openai-request.js";
import type { OpenAIRequestPlan } from "./openai-request.js";
import { computeCost } from "./prices.js";
import type { PriceTable } from "./prices.js";
import { DEFAULT_MAX_RETRIES, withRetry, withRetrySync } from "./retry.js";
import type { RetryInfo } from "./retry.js";
import { streamOpenAIChat } from "./stream-openai.js";
import { SyncBridgeError, createSyncBridge } from "./sync-bridge.js";
import type { SdkClientKind, SdkClientOptions, SyncBridge } from "./sync-bridge.js";

export interface OpenAIProviderOptions {
  /** Defaults to the OPENAI_API_KEY environment variable (see `apiKeyEnvVar`). */
  apiKey?: string;
  /** E.g. a proxy, the fake server, or a compatible endpoint. Default: the SDK's (api.openai.com). */
  baseUrl?: string;
  organization?: string;
  project?: string;
  /** Enables chatAsync/embedAsync/streamAsync (the seed's use_async). Default false; chat() works either way. */
  useAsync?: boolean;
  /** Per-call time budget in ms, retries included, when the request has none. Default 60 000. */
  timeoutMs?: number;
  /** Retries of retryable failures (429, 408, 409, 5xx, connection, timeouts). Default 2. */
  maxRetries?: number;
  defaultHeaders?: Record<string, string>;
  /** Most requests in flight at once on this instance (async path); more wait in line. Default: no limit. */
  concurrency?: number;
  /** Your prices (USD per 1M tokens), searched before DEFAULT_PRICES. */
  prices?: PriceTable;
  /** Name used in errors and logs. Default "openai". */
  name?: string;
  /** Whether the endpoint accepts `response_format: json_schema`. Default true; false -> json_object + instructions. */
  jsonSchema?: boolean;
  /** Alias of `jsonSchema` (the name in the team spec). */
  jsonSchemaSupport?: boolean;
  /** Called before each retry wait. */
  onRetry?: (info: RetryInfo) => void;
  /** Used when a chat request's `model` is empty. */
  defaultModel?: string;
  /** Used when an embed request's `model` is empty. Default "text-embedding-3-small". */
  defaultEmbeddingModel?: string;
  /** Environment variable read for the key. Default "OPENAI_API_KEY". */
  apiKeyEnvVar?: string;
  /** Default true. False for local endpoints (Ollama, vLLM) that need no key. */
  requireApiKey?: boolean;
  /** Which SDK client to build. Default "openai"; "azure-openai" uses openai's AzureOpenAI. */
  clientKind?: Extract<SdkClientKind, "openai" | "azure-openai">;
  /** Extra plain SDK client options (e.g. Azure's `apiVersion`, `deployment`, `endpoint`). */
  clientOptions?: Record<string, unknown>;
  /** Inputs per embeddings request. Default 2048 (the API's limit). */
  embeddingBatchSize?: number;
  /** Estimated tokens per embeddings request. Default 300 000 (the API's limit). */
  embeddingTokenBudget?: number;
  /** Whether streams ask for the final usage chunk (`stream_options`). Default true. */
  streamUsage?: boolean;
  /**
   * The SDK client's HTTP stack. Default "node": a lean fetch on node:http/node:https with one
   * keep-alive Agent per provider (about a third less CPU per call); "fetch" keeps Node's global
   * fetch. A `fetch` in `clientOptions` wins over both on the async client.
   */
  httpClient?: HttpClientKind;
}

/** Which HTTP stack the SDK clients use: see the `httpClient` provider option. */
export type HttpClientKind = "node" | "fetch";

const DEFAULT_TIMEOUT_MS = 60_000;
const EMBED_BATCH_CONCURRENCY = 4;
const PLACEHOLDER_KEY = "not-needed";

export class OpenAIProvider implements LLMProvider {
  readonly name: string;
  readonly useAsync: boolean;
  readonly #apiKey: string;
  readonly #secrets: readonly string[];
  readonly #kind: Extract<SdkClientKind, "openai" | "azure-openai">;
  readonly #clientOptions: SdkClientOptions;
  /** #clientOptions plus the HTTP client choice, which the worker turns into its own fetch. */
  readonly #bridgeClientOptions: SdkClientOptions;
  readonly #nodeFetch: ReturnType<typeof createNodeFetch> | undefined;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #jsonSchema: boolean;
  readonly #limiter: ConcurrencyLimiter | undefined;
  readonly #options: OpenAIProviderOptions;
  readonly #costOf: (model: string, usage: Usage) => number | undefined;
  #asyncClient: OpenAI | undefined;
  #bridge: SyncBridge | undefined;
  #closed = false;

  constructor(options: OpenAIProviderOptions = {}) {
    const envVar = options.apiKeyEnvVar ?? "OPENAI_API_KEY";
    this.name = options.name ?? "openai";
    const key = options.apiKey ?? process.env[envVar];
    if (!key) {
      if (options.requireApiKey === false) {
        this.#apiKey = PLACEHOLDER_KEY;
      } else {
        throw new ConfigurationError(
          `${this.name}: no API key. Fix: set the ${envVar} environment variable, or pass apiKey in BaseAgentConfig (or in the provider's options).`,
          { field: "apiKey" },
        );
      }
    } else {
      this.#apiKey = key;
    }
    for (const [field, value] of [
      ["timeoutMs", options.timeoutMs],
      ["maxRetries", options.maxRetries],
      ["concurrency", options.concurrency],
    ] as const) {
      const min = field === "maxRetries" ? 0 : 1;
      if (
        value !== undefined &&
        (!Number.isFinite(value) || value < min || (field !== "timeoutMs" && !Number.isInteger(value)))
      ) {
        throw new ConfigurationError(
          `${this.name}: ${field} must be ${field === "timeoutMs" ? "a positive number of ms" : `an integer >= ${min}`}, got ${String(value)}.`,
          {
            field,
          },
        );
      }
    }
    this.#options = options;
    this.#secrets = this.#apiKey === PLACEHOLDER_KEY ? [] : [this.#apiKey];
    this.useAsync = options.useAsync ?? false;
    this.#kind = options.clientKind ?? "openai";
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.#jsonSchema = options.jsonSchema ?? options.jsonSchemaSupport ?? true;
    this.#limiter = options.concurrency === undefined ? undefined : new ConcurrencyLimiter(options.concurrency);
    const prices = options.prices;
    this.#costOf = (model, usage) => computeCost(model, usage, prices);
    this.#clientOptions = {
      ...options.clientOptions,
      apiKey: this.#apiKey,
      ...(options.baseUrl === undefined ? {} : { baseURL: options.baseUrl }),
      ...(options.organization === undefined ? {} : { organization: options.organization }),
      ...(options.project === undefined ? {} : { project: options.project }),
      ...(options.defaultHeaders === undefined ? {} : { defaultHeaders: options.defaultHeaders }),
      timeout: this.#timeoutMs,
    };
    const httpClient = options.httpClient ?? "node";
    if (httpClient !== "node" && httpClient !== "fetch") {
      throw new ConfigurationError(`${this.name}: httpClient must be "node" or "fetch", got ${String(httpClient)}.`, {
        field: "httpClient",
      });
    }
    this.#bridgeClientOptions = { ...this.#clientOptions, kaizenHttpClient: httpClient };
    // The async client is made once and reused by every call (keep-alive sockets).
    if (this.useAsync) {
      this.#nodeFetch = httpClient === "node" && options.clientOptions?.["fetch"] === undefined ? createNodeFetch() : undefined;
      this.#asyncClient = this.#createAsyncClient();
    }
  }

  #createAsyncClient(): OpenAI {
    const options = { ...this.#clientOptions, maxRetries: 0, ...(this.#nodeFetch ? { fetch: this.#nodeFetch.fetch } : {}) };
    return this.#kind === "azure-openai" ? new AzureOpenAI(options) : new OpenAI(options);
  }

  #requireAsync(method: string): OpenAI {
    this.#ensureOpen();
    if (!this.useAsync || !this.#asyncClient) {
      throw new ConfigurationError(
        `${this.constructor.name} was created with useAsync: false, so ${method}() is not available: set useAsync: true, e.g. new ${this.constructor.name}({ useAsync: true }). (chat() and embed() work without it.)`,
        { field: "useAsync" },
      );
    }
    return this.#asyncClient;
  }

  #ensureOpen(): void {
    if (this.#closed) {
      throw new ProviderError(`${this.name}: the provider was closed; create a new one to make more calls.`, {
        provider: this.name,
        retryable: false,
      });
    }
  }

  #syncBridge(): SyncBridge {
    this.#ensureOpen();
    this.#bridge ??= createSyncBridge();
    return this.#bridge;
  }

  #plan(request: ChatRequest): { plan: OpenAIRequestPlan; request: ChatRequest } {
    const model = request.model || this.#options.defaultModel;
    if (!model) {
      throw new ConfigurationError(
        `${this.name}: the request has no model. Pass model in the request or defaultModel to the provider.`,
        { field: "model" },
      );
    }
    const effective = model === request.model ? request : { ...request, model };
    return { plan: buildOpenAIChatBody(effective, { jsonSchema: this.#jsonSchema }), request: effective };
  }

  #mapError(error: unknown, timeoutMs: number | undefined): unknown {
    const source = error instanceof SyncBridgeError ? error.serialized : error;
    return mapProviderError(source, {
      provider: this.name,
      secrets: this.#secrets,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
  }

  #retryOptions(request: { signal?: AbortSignal; timeoutMs?: number }) {
    return {
      maxRetries: this.#maxRetries,
      timeoutMs: request.timeoutMs ?? this.#timeoutMs,
      provider: this.name,
      ...(request.signal === undefined ? {} : { signal: request.signal }),
      ...(this.#options.onRetry === undefined ? {} : { onRetry: this.#options.onRetry }),
    };
  }

  async #limited<T>(fn: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    return this.#limiter ? this.#limiter.run(fn, signal) : fn();
  }

  /** Blocks until the answer is back and returns it (not a Promise). Works with useAsync false or true. */
  chat(request: ChatRequest): ChatResponse {
    const { plan } = this.#plan(request);
    const bridge = this.#syncBridge();
    return withRetrySync(({ attempt, remainingMs }) => {
      try {
        const { data, headers } = bridge.call(this.#kind, this.#bridgeClientOptions, "chat.completions.create", plan.body, {
          ...(remainingMs === undefined ? {} : { timeoutMs: remainingMs }),
          provider: this.name,
        });
        return parseOpenAIChatCompletion(data, {
          provider: this.name,
          plan,
          requestId: headers["x-request-id"],
          attempts: attempt,
          computeCost: this.#costOf,
        });
      } catch (error) {
        throw this.#mapError(error, remainingMs);
      }
    }, this.#retryOptions(request));
  }

  async chatAsync(request: ChatRequest): Promise<ChatResponse> {
    const client = this.#requireAsync("chatAsync");
    const { plan } = this.#plan(request);
    return withRetry(
      ({ attempt, signal, remainingMs }) =>
        this.#limited(async () => {
          try {
            const data = await client.chat.completions.create(plan.body, {
              ...(signal === undefined ? {} : { signal }),
              ...(remainingMs === undefined ? {} : { timeout: remainingMs }),
            });
            return parseOpenAIChatCompletion(data, {
              provider: this.name,
              plan,
              requestId: (data as { _request_id?: string | null })._request_id ?? undefined,
              attempts: attempt,
              computeCost: this.#costOf,
            });
          } catch (error) {
            throw this.#mapError(error, remainingMs);
          }
        }, signal),
      this.#retryOptions(request),
    );
  }

  streamAsync(request: ChatRequest): AsyncIterable<StreamEvent> {
    // Checked on first iteration, so a misconfigured provider fails where the stream is consumed.
    const start = () => {
      const client = this.#requireAsync("streamAsync");
      const { plan, request: effective } = this.#plan(request);
      return streamOpenAIChat({
        provider: this.name,
        client,
        body: plan.body,
        request: effective,
        structuredOutput: plan.structuredOutput,
        maxRetries: this.#maxRetries,
        timeoutMs: request.timeoutMs ?? this.#timeoutMs,
        onRetry: this.#options.onRetry,
        secrets: this.#secrets,
        computeCost: this.#costOf,
        parseOutput: plan.parseOutput,
        includeUsage: this.#options.streamUsage ?? true,
      });
    };
    return {
      [Symbol.asyncIterator]: () => start()[Symbol.asyncIterator](),
    };
  }

  #embedParams(request: EmbedRequest, batch: EmbeddingBatch): EmbeddingCreateParams {
    const model = request.model || this.#options.defaultEmbeddingModel || "text-embedding-3-small";
    // Floats, not the SDK's default base64: compatible servers (Ollama, vLLM) often lack base64.
    return {
      model,
      input: batch.texts,
      encoding_format: "float",
      ...(request.dimensions === undefined ? {} : { dimensions: request.dimensions }),
    };
  }

  #batches(request: EmbedRequest): EmbeddingBatch[] {
    return planEmbeddingBatches(
      request.texts,
      this.#options.embeddingBatchSize ?? MAX_EMBEDDING_INPUTS,
      this.#options.embeddingTokenBudget ?? MAX_EMBEDDING_TOKENS,
    );
  }

  #assemble(request: EmbedRequest, batches: EmbeddingBatch[], answers: CreateEmbeddingResponse[]): EmbedResponse {
    const embeddings = new Array<number[]>(request.texts.length);
    let inputTokens = 0;
    let model = request.model;
    answers.forEach((answer, b) => {
      const batch = batches[b] as EmbeddingBatch;
      if (!answer || !Array.isArray(answer.data) || answer.data.length !== batch.texts.length) {
        throw new ProviderError(
          `${this.name}: the embeddings answer holds ${Array.isArray(answer?.data) ? answer.data.length : 0} vectors for ${batch.texts.length} inputs.`,
          {
            provider: this.name,
            retryable: false,
            code: "invalid_response",
          },
        );
      }
      for (const item of answer.data) embeddings[batch.start + item.index] = item.embedding as number[];
      inputTokens += answer.usage?.prompt_tokens ?? 0;
      if (answer.model) model = answer.model;
    });
    return { embeddings, model, usage: { inputTokens, outputTokens: 0, totalTokens: inputTokens } };
  }

  async embedAsync(request: EmbedRequest): Promise<EmbedResponse> {
    const client = this.#requireAsync("embedAsync");
    const batches = this.#batches(request);
    const answers = await mapWithConcurrency(
      batches,
      Math.min(this.#limiter?.limit ?? EMBED_BATCH_CONCURRENCY, EMBED_BATCH_CONCURRENCY),
      (batch) =>
        withRetry(
          ({ signal, remainingMs }) =>
            this.#limited(async () => {
              try {
                return await client.embeddings.create(this.#embedParams(request, batch), {
                  ...(signal === undefined ? {} : { signal }),
                  ...(remainingMs === undefined ? {} : { timeout: remainingMs }),
                });
              } catch (error) {
                throw this.#mapError(error, remainingMs);
              }
            }, signal),
          this.#retryOptions(request),
        ),
    );
    return this.#assemble(request, batches, answers);
  }

  /** Blocking embeddings: batches run one after another on the sync bridge. */
  embed(request: EmbedRequest): EmbedResponse {
    const bridge = this.#syncBridge();
    const batches = this.#batches(request);
    const answers = batches.map((batch) =>
      withRetrySync(({ remainingMs }) => {
        try {
          return bridge.call<CreateEmbeddingResponse>(
            this.#kind,
            this.#bridgeClientOptions,
            "embeddings.create",
            this.#embedParams(request, batch),
            {
              ...(remainingMs === undefined ? {} : { timeoutMs: remainingMs }),
              provider: this.name,
            },
          ).data;
        } catch (error) {
          throw this.#mapError(error, remainingMs);
        }
      }, this.#retryOptions(request)),
    );
    return this.#assemble(request, batches, answers);
  }

  /** Terminates the sync worker and drops the async client. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#asyncClient = undefined;
    this.#nodeFetch?.close();
    const bridge = this.#bridge;
    this.#bridge = undefined;
    await bridge?.close();
  }
}
