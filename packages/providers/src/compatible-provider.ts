// OpenAI-compatible endpoints: Ollama, vLLM, LM Studio, Azure OpenAI and any server that speaks
// the chat completions protocol at some `baseUrl`. They are OpenAIProvider with other defaults,
// plus one behaviour: many such servers reject `response_format: json_schema`. On a 400 or 422
// whose message says so (the table in response-format-errors.ts), the call is repeated once in
// json_object mode (JSON plus the schema in instructions) and the instance remembers it, so later
// calls go straight to json_object. A genuine schema error never triggers it.
import {
  ConfigurationError,
  ProviderError,
  type ChatRequest,
  type ChatResponse,
  type ProviderOptions,
  type StreamEvent,
} from "@kaizen/contracts";
import { OpenAIProvider, type OpenAIProviderOptions } from "./openai-provider.js";
import { classifyResponseFormatError } from "./response-format-errors.js";

export interface OpenAICompatibleProviderOptions extends Omit<OpenAIProviderOptions, "clientKind"> {
  /**
   * Whether the server accepts `response_format: json_schema`. Default: try it, and on a 400/422
   * saying the format is not supported fall back to json_object for the rest of this instance's life.
   */
  jsonSchema?: boolean;
}

/** An OpenAIProvider for servers that are OpenAI-compatible but may lack json_schema. */
export class OpenAICompatibleProvider extends OpenAIProvider {
  #jsonSchemaRejected: boolean;

  constructor(options: OpenAICompatibleProviderOptions & Pick<OpenAIProviderOptions, "clientKind">) {
    super({ ...options, name: options.name ?? "openai-compatible" });
    this.#jsonSchemaRejected = options.jsonSchema === false || options.jsonSchemaSupport === false;
  }

  /** True once the server has rejected json_schema (or the options said it does not support it). */
  get jsonSchemaRejected(): boolean {
    return this.#jsonSchemaRejected;
  }

  // Auto mode after a rejection: json_object. A mode the caller forced is left alone.
  #adapt(request: ChatRequest): ChatRequest {
    const output = request.output;
    if (!this.#jsonSchemaRejected || output === undefined || (output.mode !== undefined && output.mode !== "auto"))
      return request;
    return { ...request, output: { ...output, mode: "json_object" } };
  }

  #isRejection(error: unknown, request: ChatRequest): boolean {
    if (this.#jsonSchemaRejected || request.output === undefined) return false;
    if (request.output.mode !== undefined && request.output.mode !== "auto") return false;
    return error instanceof ProviderError && classifyResponseFormatError(error.status, error.message) === "unsupported";
  }

  override chat(request: ChatRequest): ChatResponse {
    try {
      return super.chat(this.#adapt(request));
    } catch (error) {
      if (!this.#isRejection(error, request)) throw error;
      this.#jsonSchemaRejected = true;
      return super.chat(this.#adapt(request));
    }
  }

  override async chatAsync(request: ChatRequest): Promise<ChatResponse> {
    try {
      return await super.chatAsync(this.#adapt(request));
    } catch (error) {
      if (!this.#isRejection(error, request)) throw error;
      this.#jsonSchemaRejected = true;
      return super.chatAsync(this.#adapt(request));
    }
  }

  override streamAsync(request: ChatRequest): AsyncIterable<StreamEvent> {
    const open = () => super.streamAsync(this.#adapt(request));
    const recover = (error: unknown): boolean => {
      if (!this.#isRejection(error, request)) return false;
      this.#jsonSchemaRejected = true;
      return true;
    };
    return (async function* () {
      let yielded = false;
      try {
        for await (const event of open()) {
          yielded = true;
          yield event;
        }
      } catch (error) {
        // A rejection comes before any chunk; once text flowed, a retry would repeat it.
        if (yielded || !recover(error)) throw error;
        yield* open();
      }
    })();
  }
}

function pick(options: ProviderOptions): OpenAICompatibleProviderOptions {
  return options as OpenAICompatibleProviderOptions;
}

/** Any OpenAI-compatible server. `baseUrl` is required; the key is optional (OPENAI_COMPATIBLE_API_KEY). */
export function createOpenAICompatibleProvider(options: OpenAICompatibleProviderOptions): OpenAICompatibleProvider {
  if (!options.baseUrl) {
    throw new ConfigurationError(
      'openai-compatible: baseUrl is required, e.g. createProvider("openai-compatible", { baseUrl: "http://localhost:8000/v1" }).',
      { field: "baseUrl" },
    );
  }
  // Never fall back to OPENAI_API_KEY: that would send an OpenAI key to a third-party server.
  return new OpenAICompatibleProvider({
    apiKeyEnvVar: "OPENAI_COMPATIBLE_API_KEY",
    requireApiKey: false,
    ...options,
  });
}

export const OLLAMA_DEFAULT_BASE_URL = "http://localhost:11434/v1";

/** Ollama's OpenAI-compatible API. No key needed; OLLAMA_API_KEY is sent when set (e.g. a proxy). */
export function createOllamaProvider(options: OpenAICompatibleProviderOptions = {}): OpenAICompatibleProvider {
  return new OpenAICompatibleProvider({
    name: "ollama",
    apiKeyEnvVar: "OLLAMA_API_KEY",
    requireApiKey: false,
    ...options,
    baseUrl: options.baseUrl ?? OLLAMA_DEFAULT_BASE_URL,
  });
}

export interface AzureOpenAIProviderOptions extends Omit<OpenAICompatibleProviderOptions, "baseUrl"> {
  /** https://RESOURCE.openai.azure.com/ ; default AZURE_OPENAI_ENDPOINT. */
  endpoint?: string;
  /** Instead of `endpoint`: the full base URL (e.g. a gateway). */
  baseUrl?: string;
  /** The deployment name; default: the request's model is used as the deployment. */
  deployment?: string;
  /** e.g. "2024-10-21"; default OPENAI_API_VERSION. */
  apiVersion?: string;
}

/** Azure OpenAI deployments through openai's AzureOpenAI client. Key: apiKey or AZURE_OPENAI_API_KEY. */
export function createAzureOpenAIProvider(options: AzureOpenAIProviderOptions = {}): OpenAICompatibleProvider {
  const { endpoint: endpointOption, deployment, apiVersion: apiVersionOption, ...rest } = options;
  const apiVersion = apiVersionOption ?? process.env["OPENAI_API_VERSION"];
  if (!apiVersion) {
    throw new ConfigurationError(
      'azure: no API version. Pass apiVersion (e.g. createProvider("azure", { apiVersion: "2024-10-21", ... })) or set OPENAI_API_VERSION.',
      { field: "apiVersion" },
    );
  }
  const endpoint = rest.baseUrl === undefined ? (endpointOption ?? process.env["AZURE_OPENAI_ENDPOINT"]) : undefined;
  if (rest.baseUrl === undefined && !endpoint) {
    throw new ConfigurationError(
      "azure: no endpoint. Pass endpoint (https://RESOURCE.openai.azure.com/) or set AZURE_OPENAI_ENDPOINT.",
      { field: "endpoint" },
    );
  }
  if (rest.baseUrl !== undefined && endpointOption !== undefined) {
    throw new ConfigurationError("azure: pass either endpoint or baseUrl, not both.", { field: "endpoint" });
  }
  return new OpenAICompatibleProvider({
    name: "azure",
    apiKeyEnvVar: "AZURE_OPENAI_API_KEY",
    ...rest,
    clientKind: "azure-openai",
    clientOptions: {
      ...rest.clientOptions,
      apiVersion,
      ...(endpoint === undefined ? {} : { endpoint }),
      ...(deployment === undefined ? {} : { deployment }),
    },
  });
}

/** Registry factories (see builtin-providers.ts). */
export const compatibleFactories = {
  ollama: (options: ProviderOptions) => createOllamaProvider(pick(options)),
  azure: (options: ProviderOptions) => createAzureOpenAIProvider(options as AzureOpenAIProviderOptions),
  "openai-compatible": (options: ProviderOptions) => createOpenAICompatibleProvider(pick(options)),
} as const;
