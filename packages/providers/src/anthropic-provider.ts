// AnthropicProvider: the Messages API through @anthropic-ai/sdk. Same shape as OpenAIProvider:
// a blocking `chat` through the shared sync bridge, `chatAsync`/`streamAsync` on one keep-alive
// async client, the shared retry authority (the SDK's own retries off) and error mapping.
import type Anthropic from "@anthropic-ai/sdk";
import {
  ConfigurationError,
  type ChatRequest,
  type ChatResponse,
  type LLMProvider,
  type ProviderOptions,
  type StreamEvent,
} from "@kaizen/contracts";
import {
  buildAnthropicParams,
  toChatResponse,
  type AnthropicMessageLike,
  type AnthropicRequestPlan,
} from "./anthropic-request.js";
import { requestIdFrom } from "./errors-map.js";
import type { PriceTable } from "./prices.js";
import { withRetry, withRetrySync, type AttemptContext, type RetryInfo } from "./retry.js";
import { SdkProviderBase, checkProviderOptions, type HttpClientKind } from "./sdk-provider-base.js";
import { streamAnthropicChat } from "./stream-anthropic.js";
import { assertSdkInstalled, importSdk } from "./missing-sdk.js";

// Kept in step with peerDependencies in package.json.
const ANTHROPIC_SDK = "@anthropic-ai/sdk";
const ANTHROPIC_SDK_RANGE = "^1.12.0";

export interface AnthropicProviderOptions {
  /** Defaults to the ANTHROPIC_API_KEY environment variable. */
  apiKey?: string;
  /** E.g. a proxy or the fake server. Default: the SDK's (https://api.anthropic.com). */
  baseUrl?: string;
  /** Enables chatAsync and streamAsync. Default false (as in Kaizen for Python): chat() works either way. */
  useAsync?: boolean;
  /** Per-call time budget in ms (retries included; for a stream, until its end) when the request has none. Default 60 000. */
  timeoutMs?: number;
  /** Retries of retryable failures (429, 5xx, connection). Default 2. */
  maxRetries?: number;
  defaultHeaders?: Record<string, string>;
  /** Most requests in flight at once on this instance; more wait in line. Default: no limit. */
  concurrency?: number;
  /** Your prices (USD per 1M tokens), searched before the defaults. */
  prices?: PriceTable;
  /** The API requires max_tokens: used when the request's generationConfig has none. Default 4096. */
  maxTokensDefault?: number;
  /**
   * Mark the forced output tool `strict`, so the API constrains decoding to the (lowered)
   * schema. Default true; turn off for models or gateways without strict tool use.
   */
  strictTools?: boolean;
  /**
   * The Claude model family to apply the per-model parameter rules for, when the model id does
   * not say it (a gateway or proxy deployment name), e.g. "claude-opus-4-7".
   */
  modelFamily?: string;
  /**
   * A parameter the model rejects (temperature on Claude Opus 4.7+, temperature with topP on
   * Sonnet 4.5/4.6 and Opus 4.5) throws a ConfigurationError instead of being dropped with a
   * one-time warning. Default false.
   */
  strictModelRules?: boolean;
  /** Where the one-time warnings go. Default `console.warn`. */
  onWarning?: (message: string) => void;
  /** Name in errors and logs. Default "anthropic". */
  name?: string;
  /** Called before each retry wait. */
  onRetry?: (info: RetryInfo) => void;
  /**
   * The SDK client's HTTP stack. Default "node": a lean fetch on node:http/node:https with one
   * keep-alive Agent per provider (less CPU per call); "fetch" keeps Node's global fetch.
   */
  httpClient?: HttpClientKind;
}

const DEFAULT_MAX_TOKENS = 4096;

export class AnthropicProvider implements LLMProvider {
  readonly name: string;
  /** Image parts of user messages are lowered to the API's own shape (see *-content.ts). */
  readonly supportsImages: boolean = true;
  /** PDF file parts too (OpenAI `file` parts, Anthropic `document` blocks). */
  readonly supportsFiles: boolean = true;
  readonly useAsync: boolean;
  readonly #base: SdkProviderBase<Anthropic>;
  readonly #options: AnthropicProviderOptions;
  readonly #warned = new Set<string>();
  #warnOnce = (message: string): void => {
    if (this.#warned.has(message)) return;
    this.#warned.add(message);
    (this.#options.onWarning ?? console.warn)(message);
  };
  /** Plain options for the SDK client: the same for the async client and the bridge's worker. */
  readonly #clientOptions: Record<string, unknown>;

  constructor(options: AnthropicProviderOptions = {}) {
    const name = options.name ?? "anthropic";
    const apiKey = options.apiKey ?? process.env["ANTHROPIC_API_KEY"];
    if (apiKey === undefined || apiKey.trim() === "") {
      throw new ConfigurationError(
        `${name}: no API key. Fix: set the ANTHROPIC_API_KEY environment variable, or pass apiKey in BaseAgentConfig (or in the provider's options).`,
        { field: "apiKey" },
      );
    }
    checkProviderOptions(name, { ...options }, ["maxTokensDefault"]);
    const className = new.target.name;
    assertSdkInstalled(ANTHROPIC_SDK, className, ANTHROPIC_SDK_RANGE);
    const clientOptions = {
      apiKey,
      ...(options.baseUrl === undefined ? {} : { baseURL: options.baseUrl }),
      ...(options.defaultHeaders === undefined ? {} : { defaultHeaders: options.defaultHeaders }),
      maxRetries: 0,
    };
    this.#base = new SdkProviderBase<Anthropic>({
      name,
      className,
      secrets: [apiKey],
      options,
      createClient: async (fetch) => {
        const { default: AnthropicClient } = await importSdk(
          ANTHROPIC_SDK,
          className,
          ANTHROPIC_SDK_RANGE,
          () => import("@anthropic-ai/sdk"),
        );
        return new AnthropicClient({ ...clientOptions, ...(fetch ? { fetch } : {}) } as ConstructorParameters<
          typeof AnthropicClient
        >[0]);
      },
    });
    this.name = name;
    this.useAsync = this.#base.useAsync;
    this.#options = options;
    this.#clientOptions = clientOptions;
  }

  #plan(request: ChatRequest): AnthropicRequestPlan {
    return buildAnthropicParams(request, {
      maxTokensDefault: this.#options.maxTokensDefault ?? DEFAULT_MAX_TOKENS,
      strictTools: this.#options.strictTools ?? true,
      rules: {
        ...(this.#options.modelFamily === undefined ? {} : { modelFamily: this.#options.modelFamily }),
        strict: this.#options.strictModelRules ?? false,
        warn: this.#warnOnce,
      },
    });
  }

  /** Blocks the calling thread until the answer is back (a worker thread does the HTTP call). */
  chat(request: ChatRequest): ChatResponse {
    const base = this.#base;
    const bridge = base.syncBridge();
    const plan = this.#plan(request);
    let attempts = 0;
    return withRetrySync((ctx) => {
      attempts = ctx.attempt;
      try {
        const { data, headers } = bridge.call<AnthropicMessageLike>(
          "anthropic",
          { ...this.#clientOptions, kaizenHttpClient: base.httpClient },
          "messages.create",
          plan.params,
          {
            provider: this.name,
            ...(ctx.remainingMs === undefined ? {} : { timeoutMs: ctx.remainingMs }),
          },
        );
        return toChatResponse(data, plan, { attempts, requestId: requestIdFrom(headers), costOf: base.costOf });
      } catch (error) {
        throw base.mapError(error, ctx.remainingMs);
      }
    }, base.retryOptions(request));
  }

  async chatAsync(request: ChatRequest): Promise<ChatResponse> {
    const base = this.#base;
    const client = await base.asyncClient("chatAsync");
    const plan = this.#plan(request);
    const attempt = async (ctx: AttemptContext): Promise<ChatResponse> => {
      try {
        const { data, response } = await client.messages
          .create(plan.params as Anthropic.MessageCreateParamsNonStreaming, {
            maxRetries: 0,
            ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
            ...(ctx.remainingMs === undefined ? {} : { timeout: ctx.remainingMs }),
          })
          .withResponse();
        return toChatResponse(data as AnthropicMessageLike, plan, {
          attempts: ctx.attempt,
          requestId: requestIdFrom(response.headers),
          costOf: base.costOf,
        });
      } catch (error) {
        throw base.mapError(error, ctx.remainingMs);
      }
    };
    return withRetry((ctx) => base.limited(() => attempt(ctx), ctx.signal), base.retryOptions(request));
  }

  /**
   * Streams the answer: text deltas, partial objects when an output schema is asked (from the
   * forced tool's input_json_delta events), then one finish event with the full response.
   */
  streamAsync(request: ChatRequest): AsyncIterable<StreamEvent> {
    const base = this.#base;
    return base.stream(request.signal, async () =>
      streamAnthropicChat({
        ...base.streamOptions(request),
        client: await base.asyncClient("streamAsync"),
        plan: this.#plan(request),
        costOf: base.costOf,
      }),
    );
  }

  /** Closes the sync bridge's worker and drops the async client. Idempotent. */
  close(): Promise<void> {
    return this.#base.close();
  }
}

/** Registry factory: `createProvider("anthropic", options)`. */
export function createAnthropicProvider(options: ProviderOptions = {}): AnthropicProvider {
  return new AnthropicProvider(options as AnthropicProviderOptions);
}
