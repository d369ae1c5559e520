export type {
  ChatMessage,
  ChatRequest,
  ChatResponse,
  ChatRole,
  EmbedRequest,
  EmbedResponse,
  FinishReason,
  GenerationConfig,
  JsonSchema,
  LLMProvider,
  OutputSchemaSpec,
  ProviderFactory,
  ProviderOptions,
  StreamEvent,
  StructuredOutputMode,
  ToolCall,
  ToolSpec,
  Usage,
} from "./provider.js";
export type {
  ContentPart,
  FileMediaType,
  FilePart,
  ImageMediaType,
  ImagePart,
  ImageSource,
  MessageContent,
  TextPart,
} from "./content.js";
export {
  FILE_MEDIA_TYPES,
  IMAGE_MEDIA_TYPES,
  contentForLog,
  contentText,
  describeFilePart,
  describeImageSource,
  hasFileParts,
  hasImageParts,
} from "./content.js";
export type {
  JsonObject,
  KaizenTurnMetadata,
  TurnExchange,
  LoadOptions,
  Memory,
  MemoryContext,
  NewSessionSummary,
  NewTurn,
  SessionSummary,
  Turn,
} from "./memory.js";
export type { AnyTool, Tool, ToolExecutionContext, ToolInputCheck } from "./tools.js";
export {
  AbortError,
  AuthenticationError,
  ConfigurationError,
  ContentFilterError,
  InvalidResponseError,
  KaizenError,
  OutputTruncatedError,
  ProviderError,
  RateLimitError,
  RefusalError,
  TimeoutError,
  UnsupportedContentError,
  isKaizenError,
  redactSecrets,
} from "./errors.js";
export type { KaizenErrorOptions, ProviderErrorOptions, RefusalErrorOptions } from "./errors.js";
export { extractJson } from "./extract-json.js";
export type { ExtractJsonOptions, ExtractResult } from "./extract-json.js";
