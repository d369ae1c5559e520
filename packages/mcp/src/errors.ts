// The errors an MCP connection throws. Each names the server (its command or URL, never its
// headers or environment, which may hold credentials) and says what to do.
import { KaizenError } from "@kaizen/contracts";
import type { KaizenErrorOptions } from "@kaizen/contracts";

export interface McpErrorOptions extends KaizenErrorOptions {
  /** The server as the user gave it: `command args` for stdio, the URL for HTTP. */
  server: string;
}

/** Base class of every error `@kaizen/mcp` throws (aborts excepted: those are `AbortError`). */
export class McpClientError extends KaizenError {
  readonly server: string;
  constructor(code: string, message: string, options: McpErrorOptions) {
    super(code, message, options);
    this.server = options.server;
  }
}

/** The server could not be started or reached, or the MCP handshake failed. */
export class McpConnectionError extends McpClientError {
  constructor(message: string, options: McpErrorOptions) {
    super("mcp_connection_failed", message, options);
  }
}

/** The server went away (the child exited, the HTTP session ended) while the connection was open. */
export class McpConnectionClosedError extends McpClientError {
  constructor(message: string, options: McpErrorOptions) {
    super("mcp_connection_closed", message, options);
  }
}

/** The connection was closed with `close()`; connect again to go on. */
export class McpClosedError extends McpClientError {
  constructor(message: string, options: McpErrorOptions) {
    super("mcp_closed", message, options);
  }
}

/** A request got no answer within `timeoutMs`. */
export class McpTimeoutError extends McpClientError {
  readonly timeoutMs: number;
  constructor(message: string, options: McpErrorOptions & { timeoutMs: number }) {
    super("mcp_timeout", message, options);
    this.timeoutMs = options.timeoutMs;
  }
}

/** The server answered a request with a JSON-RPC error (an unknown tool, invalid params, ...). */
export class McpRequestError extends McpClientError {
  /** The JSON-RPC error code the server sent. */
  readonly rpcCode: number | undefined;
  constructor(message: string, options: McpErrorOptions & { rpcCode?: number }) {
    super("mcp_request_failed", message, options);
    this.rpcCode = options.rpcCode;
  }
}

/**
 * The tool ran and reported failure (`isError: true`). Thrown from `execute` so the agent loop
 * hands the message, which is the tool's own text, back to the model.
 */
export class McpToolError extends McpClientError {
  /** The tool's name on the server. */
  readonly toolName: string;
  /** The result's content blocks, as the server sent them. */
  readonly content: readonly unknown[];
  constructor(message: string, options: McpErrorOptions & { toolName: string; content: readonly unknown[] }) {
    super("mcp_tool_error", message, options);
    this.toolName = options.toolName;
    this.content = options.content;
  }
}

/** A server's tool name (after the prefix and sanitising) cannot be offered to a model. */
export class McpToolNameError extends McpClientError {
  readonly toolName: string;
  constructor(message: string, options: McpErrorOptions & { toolName: string }) {
    super("mcp_invalid_tool_name", message, options);
    this.toolName = options.toolName;
  }
}

/** A tool's input schema is not a JSON Schema the validator can compile. */
export class McpToolSchemaError extends McpClientError {
  readonly toolName: string;
  constructor(message: string, options: McpErrorOptions & { toolName: string }) {
    super("mcp_invalid_tool_schema", message, options);
    this.toolName = options.toolName;
  }
}
