export { BaseAgent } from "./agent.js";
export type { BaseAgentOptions } from "./agent.js";
export { BaseAgentConfig, ConfigValidationError, validateConfigOptions } from "./config.js";
export type { BaseAgentConfigOptions, ConfigProblem, HookErrorPolicy, StructuredOutputSetting } from "./config.js";
export { ASYNC_MODE_MESSAGE } from "./async-mode-message.js";
export {
  AbortError,
  AuthenticationError,
  ConfigurationError,
  ContentFilterError,
  InputValidationError,
  InvalidResponseError,
  KaizenError,
  MemoryConnectionError,
  MemoryError,
  OutputTruncatedError,
  OutputValidationError,
  ProviderError,
  RateLimitError,
  RefusalError,
  SessionIdError,
  SignatureDefinitionError,
  TimeoutError,
  isKaizenError,
} from "./errors.js";
export type {
  AfterRunEvent,
  AgentHooks,
  BeforeRunEvent,
  ErrorEvent,
  HookErrorReporter,
  HookName,
  RetryEvent,
  RunEventBase,
} from "./hooks.js";
export { getRunInfo } from "./run-info.js";
export type { RunInfo } from "./run-info.js";
export type { AgentStream } from "./stream.js";
export type { BatchOptions, BatchProgress, BatchResult, DeepPartial, RunOptions } from "./types.js";
