export { BaseAgent } from "./agent.js";
export type { BaseAgentOptions } from "./agent.js";
export { BaseAgentConfig, ConfigValidationError, validateConfigOptions } from "./config.js";
export type {
  BaseAgentConfigOptions,
  ConfigProblem,
  HookErrorPolicy,
  StructuredOutputSetting,
  TruncationPolicy,
} from "./config.js";
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
  MaxCyclesError,
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
  ToolCallEvent,
  ToolResultEvent,
} from "./hooks.js";
export { tool } from "./tool.js";
export type { AnyTool, Tool, ToolExecutionContext } from "@kaizen/contracts";
export type { ToolOptions, ZodTool } from "./tool.js";
export type { ApprovalHandler, ApprovalRequest, RunStep, ToolCallRecord, ToolCallStatus } from "./tool-types.js";
export { getRunInfo } from "./run-info.js";
export type { RunInfo } from "./run-info.js";
export type { AgentStream, AgentStreamEvent } from "./stream.js";
export type { BatchOptions, BatchProgress, BatchResult, DeepPartial, RunOptions } from "./types.js";
