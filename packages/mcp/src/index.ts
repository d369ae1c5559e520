export { connectMcp } from "./connection.js";
export type { ConnectMcpOptions, McpCallOptions, McpConnection, McpTool, McpToolsOptions } from "./connection.js";
export type { McpHttpServer, McpServerSpec, McpStdioServer } from "./server-spec.js";
export type { McpToolOutput } from "./call-result.js";
export { sanitizeToolName } from "./tool-names.js";
export type { ToolNamePolicy } from "./tool-names.js";
export {
  McpClientError,
  McpClosedError,
  McpConnectionClosedError,
  McpConnectionError,
  McpRequestError,
  McpTimeoutError,
  McpToolError,
  McpToolNameError,
  McpToolSchemaError,
} from "./errors.js";
export type { McpErrorOptions } from "./errors.js";
// Aborts surface as the contracts' AbortError, as everywhere in Kaizen.
export { AbortError } from "@kaizen/contracts";
