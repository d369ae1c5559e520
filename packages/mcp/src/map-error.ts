// The SDK throws McpError with JSON-RPC codes, Node's spawn errors, fetch's TypeError and its own
// StreamableHTTPError. Callers get one typed error per situation instead, with the fix in it.
import { AbortError } from "@kaizen/contracts";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  McpClosedError,
  McpConnectionClosedError,
  McpConnectionError,
  McpRequestError,
  McpTimeoutError,
  type McpClientError,
} from "./errors.js";
import type { CheckedServer } from "./server-spec.js";

export interface ErrorState {
  server: CheckedServer;
  timeoutMs: number;
  /** What the call was, for the message: "listing tools", "calling tool add". */
  doing: string;
  signal: AbortSignal | undefined;
  closedByUser: boolean;
  serverGone: boolean;
  stderrTail: string;
}

function stderrNote(state: ErrorState): string {
  const tail = state.stderrTail.trim();
  return tail ? ` Its stderr ended with: ${tail.slice(-600)}` : "";
}

/** The lowest cause's code and message, e.g. ECONNREFUSED under fetch's "fetch failed". */
function rootCause(error: unknown): { code?: string; message: string } {
  let current: unknown = error;
  for (let depth = 0; depth < 5; depth += 1) {
    const next = (current as { cause?: unknown } | null)?.cause;
    if (next === undefined || next === null) break;
    current = next;
  }
  const code = (current as { code?: unknown } | null)?.code;
  return {
    ...(typeof code === "string" ? { code } : {}),
    message: current instanceof Error ? current.message : String(current),
  };
}

export function abortError(signal: AbortSignal, doing: string): AbortError {
  return new AbortError(`Aborted while ${doing}.`, { cause: signal.reason });
}

export function closedError(state: Pick<ErrorState, "server" | "doing">): McpClosedError {
  return new McpClosedError(
    `Cannot go on ${state.doing}: the connection to the MCP server ${state.server.label} was closed with close(). Call connectMcp again for a new connection.`,
    { server: state.server.label },
  );
}

export function goneError(state: ErrorState, cause?: unknown): McpConnectionClosedError {
  const what = state.server.kind === "stdio" ? "exited" : "ended the session";
  return new McpConnectionClosedError(
    `The MCP server ${state.server.label} ${what} while ${state.doing}; nothing more can be sent on this connection. Call connectMcp again once the server is back.${stderrNote(state)}`,
    { server: state.server.label, cause },
  );
}

/** Errors of the handshake: the server could not be started, reached or understood. */
export function connectError(error: unknown, state: ErrorState): McpClientError | AbortError {
  if (state.signal?.aborted) return abortError(state.signal, state.doing);
  const server = state.server.label;
  if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
    return new McpTimeoutError(
      `The MCP server ${server} did not finish the handshake within ${state.timeoutMs} ms. Check it speaks MCP${state.server.kind === "stdio" ? " on stdout (logs belong on stderr)" : ""}, or raise connectTimeoutMs.${stderrNote(state)}`,
      { server, timeoutMs: state.timeoutMs, cause: error },
    );
  }
  if (state.server.kind === "stdio") {
    const { code, message } = rootCause(error);
    const command = JSON.stringify(state.server.spec.command);
    if (code === "ENOENT") {
      return new McpConnectionError(
        `Could not start the MCP server ${server}: ${command} was not found. Install it, or give its full path in command (a relative path is resolved against cwd, which is ${state.server.spec.cwd ?? "the current directory"}).`,
        { server, cause: error },
      );
    }
    if (code === "EACCES") {
      return new McpConnectionError(
        `Could not start the MCP server ${server}: ${command} is not executable. Check its permissions, or run it through its interpreter (e.g. command: "node").`,
        {
          server,
          cause: error,
        },
      );
    }
    if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) {
      return new McpConnectionError(
        `The MCP server ${server} exited before the MCP handshake finished. Run the command by hand to see why (a wrong path in args, a missing dependency or environment variable).${stderrNote(state)}`,
        { server, cause: error },
      );
    }
    return new McpConnectionError(`The MCP handshake with ${server} failed: ${message}.${stderrNote(state)}`, {
      server,
      cause: error,
    });
  }
  if (error instanceof StreamableHTTPError) {
    const status = error.code;
    const fix =
      status === 401 || status === 403
        ? 'Pass the credentials it expects in headers, e.g. { authorization: "Bearer ..." }.'
        : status === 404 || status === 405
          ? "Check the url is the server's Streamable HTTP endpoint (usually ending in /mcp)."
          : "Check the server's own logs.";
    return new McpConnectionError(`The MCP server at ${server} answered HTTP ${status ?? "error"}: ${error.message}. ${fix}`, {
      server,
      cause: error,
    });
  }
  const { code, message } = rootCause(error);
  return new McpConnectionError(
    `Could not reach the MCP server at ${server}: ${code ?? message}. Check the server is running and listening there, and that url is its Streamable HTTP endpoint.`,
    { server, cause: error },
  );
}

/** Errors of a request on an open connection. */
export function requestError(error: unknown, state: ErrorState): McpClientError | AbortError {
  if (state.closedByUser) return closedError(state);
  if (state.signal?.aborted) return abortError(state.signal, state.doing);
  const server = state.server.label;
  if (error instanceof McpError) {
    if (error.code === ErrorCode.RequestTimeout) {
      return new McpTimeoutError(
        `The MCP server ${server} did not answer within ${state.timeoutMs} ms while ${state.doing}; the request was cancelled. Raise timeoutMs in connectMcp if the tool is slow by nature.`,
        { server, timeoutMs: state.timeoutMs, cause: error },
      );
    }
    if (error.code === ErrorCode.ConnectionClosed) return goneError(state, error);
    return new McpRequestError(`The MCP server ${server} refused ${state.doing}: ${error.message}`, {
      server,
      rpcCode: error.code,
      cause: error,
    });
  }
  if (state.serverGone) return goneError(state, error);
  if (error instanceof StreamableHTTPError && error.code === 404) return goneError(state, error);
  const { code, message } = rootCause(error);
  if (state.server.kind === "http") {
    return new McpConnectionClosedError(
      `The MCP server at ${server} could not be reached while ${state.doing}: ${code ?? message}. Check it is still running; connect again once it is.`,
      { server, cause: error },
    );
  }
  return new McpRequestError(`${state.doing} on the MCP server ${server} failed: ${message}`, { server, cause: error });
}
