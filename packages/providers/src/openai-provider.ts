// OpenAIProvider: Kaizen for Python's OpenAIProvider(use_async=True) with chat_async/embed_async, in
// TypeScript. Two clients, each created once and kept alive: the async one is the `openai` SDK on
// this thread; the sync one lives on the sync bridge's worker, so `chat()` truly blocks and
// returns the value itself. Both run through the same request builder, retry authority and error
// mapping; the SDK's own retries are off so retries never multiply.
import type OpenAI from "openai";
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from "openai/resources/embeddings";
import { ConfigurationError, ProviderError } from "@kaizen/contracts";
import type { ChatRequest, ChatResponse, EmbedRequest, EmbedResponse, LLMProvider, StreamEvent } from "@kaizen/contracts";
import { COMPATIBLE_VENDORS, detectVendor, type CompatibleVendor } from "./compatible-vendors.js";
import { withErrorEnvelope } from "./error-envelope-fetch.js";
import { createOpenAIDirect, type OpenAIDirect } from "./openai-direct.js";
import { mapWithConcurrency } from "./limiter.js";
import { planEmbeddingBatches, MAX_EMBEDDING_INPUTS, MAX_EMBEDDING_TOKENS } from "./openai-embeddings.js";
import type { EmbeddingBatch } from "./openai-embeddings.js";
import { buildOpenAIChatBody, parseOpenAIChatCompletion } from "./openai-request.js";
import type { OpenAIRequestPlan } from "./openai-request.js";
import type { PriceTable } from "./prices.js";
import { refineSchemaError } from "./response-format-errors.js";
import { withRetry, withRetrySync } from "./retry.js";
import type { RetryInfo } from "./retry.js";
import { SdkProviderBase, type HttpClientKind } from "./sdk-provider-base.js";
import { streamOpenAIChat } from "./stream-openai.js";
import type { SdkClientKind, SdkClientOptions } from "./sync-bridge.js";

export interface OpenAIProviderOptions {
  /** Defaults to the OPENAI_API_KEY environment variable (see `apiKeyEnvVar`). */
  apiKey?: string;
  /** E.g. a proxy, the fake server, or a compatible endpoint. Default: the SDK's (api.openai.com). */
  baseUrl?: string;
  organization?: string;
  project?: string;
  /** Enables chatAsync/embedAsync/streamAsync (Kaizen for Python's use_async). Default false; chat() works either way. */
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
  /**
   * Async chat calls and streams go straight over the lean node:http client (`httpClient:
   * "node"`) with the URL and headers the SDK computed once and the SDK's own error classes,
   * skipping its per-call request building and Response parsing (about half of a call's CPU;
   * see the README). Default true; false sends every call through `client.chat.completions.create`.
   * Off by itself for Azure, a `fetch` or any other `clientOptions`, and the SDK's info/debug logs.
   */
  directChat?: boolean;
  /**
   * Whose usage block the answers carry (xAI leaves reasoning out of completion_tokens, DeepSeek
   * names cache hits its own way, Groq streams usage in x_groq, OpenRouter reports the cost).
   * Default: read off the baseUrl's host (api.x.ai, api.deepseek.com, ...), else "generic".
   */
  vendor?: CompatibleVendor;
}

export type { HttpClientKind } from "./sdk-provider-base.js";

const DEFAULT_TIMEOUT_MS = 60_000;
const EMBED_BATCH_CONCURRENCY = 4;
const PLACEHOLDER_KEY = "not-needed";

export class OpenAIProvider implements LLMProvider {
  readonly name: string;
  /** Image parts of user messages are lowered to the API's own shape (see *-content.ts). */
  readonly supportsImages: boolean = true;
  /** PDF file parts too (OpenAI `file` parts, Anthropic `document` blocks). */
  readonly supportsFiles: boolean = true;
  readonly useAsync: boolean;
  readonly #base: SdkProviderBase<OpenAI>;
  readonly #kind: Extract<SdkClientKind, "openai" | "azure-openai">;
  /** The SDK client options plus the HTTP client choice, which the worker turns into its own fetch. */
  readonly #bridgeClientOptions: SdkClientOptions;
  readonly #jsonSchema: boolean;
  readonly #options: OpenAIProviderOptions;
  #direct: Promise<OpenAIDirect | undefined> | undefined;
  /** Whose usage block the answers carry (see the `vendor` option). */
  readonly vendor: CompatibleVendor;

  constructor(options: OpenAIProviderOptions = {}) {
    const envVar = options.apiKeyEnvVar ?? "OPENAI_API_KEY";
    const name = options.name ?? "openai";
    const key = options.apiKey ?? process.env[envVar];
    if (!key && options.requireApiKey !== false) {
      throw new ConfigurationError(
        `${name}: no API key. Fix: set the ${envVar} environment variable, or pass apiKey in BaseAgentConfig (or in the provider's options).`,
        { field: "apiKey" },
      );
    }
    const apiKey = key || PLACEHOLDER_KEY;
    const kind = options.clientKind ?? "openai";
    if (options.vendor !== undefined && !COMPATIBLE_VENDORS.includes(options.vendor)) {
      throw new ConfigurationError(
        `${name}: vendor must be one of ${COMPATIBLE_VENDORS.join(", ")}, got ${JSON.stringify(options.vendor)}.`,
        { field: "vendor" },
      );
    }
    this.vendor = options.vendor ?? (kind === "azure-openai" ? "azure" : (detectVendor(options.baseUrl) ?? "generic"));
    const clientOptions: SdkClientOptions = {
      ...options.clientOptions,
      apiKey,
      ...(options.baseUrl === undefined ? {} : { baseURL: options.baseUrl }),
      ...(options.organization === undefined ? {} : { organization: options.organization }),
      ...(options.project === undefined ? {} : { project: options.project }),
      ...(options.defaultHeaders === undefined ? {} : { defaultHeaders: options.defaultHeaders }),
      timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    };
    this.#base = new SdkProviderBase<OpenAI>({
      name,
      className: new.target.name,
      secrets: key ? [key] : [],
      options,
      ownFetch: options.clientOptions?.["fetch"] !== undefined,
      createClient: async (fetch) => {
        const { default: OpenAIClient, AzureOpenAI } = await import("openai");
        // Error bodies without OpenAI's `error` member keep their message (see error-envelope-fetch.js).
        const chosen = fetch ?? (clientOptions["fetch"] as typeof globalThis.fetch | undefined) ?? globalThis.fetch;
        const sdkOptions = { ...clientOptions, maxRetries: 0, fetch: withErrorEnvelope(chosen) };
        return kind === "azure-openai" ? new AzureOpenAI(sdkOptions) : new OpenAIClient(sdkOptions);
      },
    });
    this.name = name;
    this.useAsync = this.#base.useAsync;
    this.#kind = kind;
    this.#options = options;
    this.#jsonSchema = options.jsonSchema ?? options.jsonSchemaSupport ?? true;
    this.#bridgeClientOptions = { ...clientOptions, kaizenHttpClient: this.#base.httpClient };
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

  /** Blocks until the answer is back and returns it (not a Promise). Works with useAsync false or true. */
  chat(request: ChatRequest): ChatResponse {
    const { plan } = this.#plan(request);
    const base = this.#base;
    const bridge = base.syncBridge();
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
          computeCost: base.costOf,
          vendor: this.vendor,
        });
      } catch (error) {
        throw refineSchemaError(base.mapError(error, remainingMs), request.output?.name);
      }
    }, base.retryOptions(request));
  }

  /** The direct chat calls and streams, when this provider's configuration allows them (see `directChat`). */
  #directPath(client: OpenAI): Promise<OpenAIDirect | undefined> {
    if (this.#direct === undefined) {
      const node = this.#base.nodeFetch();
      const extra = this.#options.clientOptions;
      const plain = extra === undefined || Object.keys(extra).length === 0;
      const eligible = node !== undefined && plain && this.#kind === "openai" && this.#options.directChat !== false;
      // A client the SDK cannot build a request for fails the same way on its own path: say it there.
      this.#direct = eligible ? createOpenAIDirect(client, node).catch(() => undefined) : Promise.resolve(undefined);
    }
    return this.#direct;
  }

  async chatAsync(request: ChatRequest): Promise<ChatResponse> {
    const base = this.#base;
    const client = await base.asyncClient("chatAsync");
    const direct = (await this.#directPath(client))?.chat;
    const { plan } = this.#plan(request);
    return withRetry(
      (ctx) =>
        base.limited(async () => {
          const { attempt, remainingMs } = ctx;
          try {
            let data: unknown;
            let requestId: string | undefined;
            if (direct !== undefined) {
              // It ends itself at remainingMs: the retry budget's own signal is never made.
              ({ data, requestId } = await direct(plan.body, ctx.callerSignal, remainingMs));
            } else {
              const { signal } = ctx;
              const completion = await client.chat.completions.create(plan.body, {
                ...(signal === undefined ? {} : { signal }),
                ...(remainingMs === undefined ? {} : { timeout: remainingMs }),
              });
              data = completion;
              requestId = (completion as { _request_id?: string | null })._request_id ?? undefined;
            }
            return parseOpenAIChatCompletion(data, {
              provider: this.name,
              plan,
              requestId,
              attempts: attempt,
              computeCost: base.costOf,
              vendor: this.vendor,
            });
          } catch (error) {
            throw refineSchemaError(base.mapError(error, remainingMs), request.output?.name);
          }
        }, ctx),
      base.retryOptions(request),
    );
  }

  /** Streams hold a concurrency slot for their whole life, like calls do per attempt. */
  streamAsync(request: ChatRequest): AsyncIterable<StreamEvent> {
    const base = this.#base;
    const events = base.stream(request.signal, async () => {
      const client = await base.asyncClient("streamAsync");
      const direct = (await this.#directPath(client))?.stream;
      const { plan, request: effective } = this.#plan(request);
      return streamOpenAIChat({
        ...base.streamOptions(effective),
        ...(direct === undefined ? { client } : { open: direct }),
        body: plan.body,
        structuredOutput: plan.structuredOutput,
        computeCost: base.costOf,
        parseOutput: plan.parseOutput,
        outputToolName: plan.outputToolName,
        restoreArguments: plan.restoreArguments,
        includeUsage: this.#options.streamUsage ?? true,
        vendor: this.vendor,
      });
    });
    const outputName = request.output?.name;
    if (outputName === undefined) return events;
    return (async function* () {
      try {
        yield* events;
      } catch (error) {
        throw refineSchemaError(error, outputName);
      }
    })();
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
    const base = this.#base;
    const client = await base.asyncClient("embedAsync");
    const batches = this.#batches(request);
    const answers = await mapWithConcurrency(
      batches,
      Math.min(base.concurrency ?? EMBED_BATCH_CONCURRENCY, EMBED_BATCH_CONCURRENCY),
      (batch) =>
        withRetry(
          ({ signal, remainingMs }) =>
            base.limited(async () => {
              try {
                return await client.embeddings.create(this.#embedParams(request, batch), {
                  ...(signal === undefined ? {} : { signal }),
                  ...(remainingMs === undefined ? {} : { timeout: remainingMs }),
                });
              } catch (error) {
                throw base.mapError(error, remainingMs);
              }
            }, signal),
          base.retryOptions(request),
        ),
    );
    return this.#assemble(request, batches, answers);
  }

  /** Blocking embeddings: batches run one after another on the sync bridge. */
  embed(request: EmbedRequest): EmbedResponse {
    const base = this.#base;
    const bridge = base.syncBridge();
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
          throw base.mapError(error, remainingMs);
        }
      }, base.retryOptions(request)),
    );
    return this.#assemble(request, batches, answers);
  }

  /** Terminates the sync worker and drops the async client. Idempotent. */
  close(): Promise<void> {
    return this.#base.close();
  }
}
