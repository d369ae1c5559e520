// One connection to one MCP server, over stdio or Streamable HTTP, through the official SDK's
// Client. It lists the server's tools as Kaizen tools and calls them; close() ends the session
// and, for stdio, the child process.
import { ConfigurationError } from "@kaizen/contracts";
import type { Tool, ToolExecutionContext } from "@kaizen/contracts";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult, Tool as McpServerTool, ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import { contentText, toolOutput } from "./call-result.js";
import type { McpToolOutput } from "./call-result.js";
import { McpToolError, McpToolSchemaError } from "./errors.js";
import { InputValidators } from "./json-schema-input.js";
import { abortError, closedError, connectError, goneError, requestError } from "./map-error.js";
import type { ErrorState } from "./map-error.js";
import { checkServer } from "./server-spec.js";
import { TrackedStdioTransport } from "./stdio-transport.js";
import type { CheckedServer, McpServerSpec } from "./server-spec.js";
import { checkPrefix, modelToolNames } from "./tool-names.js";
import type { ToolNamePolicy } from "./tool-names.js";

const DEFAULT_TIMEOUT_MS = 60_000;
const STDERR_TAIL_CHARS = 4_000;
// A server that hands out cursors forever must not keep tools() looping.
const MAX_PAGES = 1_000;

export interface ConnectMcpOptions {
  /** Aborts the connection attempt. */
  signal?: AbortSignal;
  /** Longest wait for any one answer after the handshake (a page of tools, a tool call). Default 60 000. */
  timeoutMs?: number;
  /** Longest wait for the server to start (stdio) and finish the MCP handshake. Default 60 000. */
  connectTimeoutMs?: number;
  /** Put before every tool name the model sees, e.g. "files_", to keep two servers' tools apart. */
  prefix?: string;
  /**
   * A server's tool name that models reject (MCP allows dots and 128 characters; models allow
   * `^[a-zA-Z0-9_-]{1,64}$`): "sanitize" (default) renames it, "reject" makes tools() throw.
   */
  toolNames?: ToolNamePolicy;
  /** Where a stdio server's stderr goes: "inherit" (default, this process's stderr), "ignore", or a function. */
  stderr?: "inherit" | "ignore" | ((text: string) => void);
  /** How this client introduces itself to the server. */
  clientInfo?: { name: string; version: string };
}

export interface McpToolsOptions {
  signal?: AbortSignal;
  /** Keeps only the tools this returns true for (given the server's name for the tool). */
  include?: (serverName: string) => boolean;
  /** Sets `needsApproval` on the tools: a fixed answer, or one per tool from its MCP annotations. */
  needsApproval?: boolean | ((tool: { serverName: string; annotations?: ToolAnnotations }) => boolean);
}

export interface McpCallOptions {
  signal?: AbortSignal;
}

/** A server's tool as a Kaizen tool. Its input is the JSON object the server's schema describes. */
export interface McpTool extends Tool<Record<string, unknown>, McpToolOutput> {
  /** The tool's name on the server, which calls use whatever name the model sees. */
  readonly serverName: string;
  /** The server's hints about the tool (read-only, destructive, ...), when it gave any. */
  readonly annotations?: ToolAnnotations;
  /** Always asynchronous: every call is a request to the server. */
  execute(input: Record<string, unknown>, context: ToolExecutionContext): Promise<McpToolOutput>;
}

export interface McpConnection {
  /** The server as errors name it: the command line, or the URL without its query. */
  readonly server: string;
  /** The stdio child's process id; undefined for HTTP and once the child has exited. */
  readonly pid: number | undefined;
  /** Every tool the server offers (all pages of tools/list), as tools an agent can use. */
  tools(options?: McpToolsOptions): Promise<McpTool[]>;
  /** Calls a tool by its server name and returns the raw MCP result, `isError` included. */
  callTool(serverName: string, args: Record<string, unknown>, options?: McpCallOptions): Promise<CallToolResult>;
  /** Ends the session and stops a stdio child. Safe to call more than once; later calls throw McpClosedError. */
  close(): Promise<void>;
}

function checkOptions(options: ConnectMcpOptions): void {
  const { toolNames } = options;
  for (const field of ["timeoutMs", "connectTimeoutMs"] as const) {
    const value = options[field];
    if (value !== undefined && (!Number.isFinite(value) || value <= 0)) {
      throw new ConfigurationError(`${field} must be a positive number of milliseconds, not ${String(value)}.`, { field });
    }
  }
  if (toolNames !== undefined && toolNames !== "sanitize" && toolNames !== "reject") {
    throw new ConfigurationError(`toolNames must be "sanitize" or "reject", not ${JSON.stringify(toolNames)}.`, {
      field: "toolNames",
    });
  }
  checkPrefix(options.prefix);
}

/** A signal of our own per request: the SDK never removes its abort listener, and a run's signal lives long. */
function linkedSignal(signal: AbortSignal | undefined): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  if (!signal) return { signal: controller.signal, done: () => undefined };
  const onAbort = () => controller.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  return { signal: controller.signal, done: () => signal.removeEventListener("abort", onAbort) };
}

class Connection implements McpConnection {
  readonly #client: Client;
  readonly #transport: StdioClientTransport | StreamableHTTPClientTransport;
  readonly #checked: CheckedServer;
  readonly #options: ConnectMcpOptions;
  readonly #timeoutMs: number;
  readonly #stderr: { tail: string };
  readonly #validators = new InputValidators();
  #closedByUser = false;
  #serverGone = false;
  #closing: Promise<void> | undefined;

  constructor(
    client: Client,
    transport: StdioClientTransport | StreamableHTTPClientTransport,
    checked: CheckedServer,
    options: ConnectMcpOptions,
    stderr: { tail: string },
  ) {
    this.#client = client;
    this.#transport = transport;
    this.#checked = checked;
    this.#options = options;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#stderr = stderr;
    client.onclose = () => {
      if (!this.#closedByUser) this.#serverGone = true;
    };
  }

  get server(): string {
    return this.#checked.label;
  }

  get pid(): number | undefined {
    return this.#transport instanceof StdioClientTransport ? (this.#transport.pid ?? undefined) : undefined;
  }

  #state(doing: string, signal: AbortSignal | undefined): ErrorState {
    return {
      server: this.#checked,
      timeoutMs: this.#timeoutMs,
      doing,
      signal,
      closedByUser: this.#closedByUser,
      serverGone: this.#serverGone,
      stderrTail: this.#stderr.tail,
    };
  }

  /** Runs one request with the connection's timeout and the caller's signal, mapping its errors. */
  async #request<T>(doing: string, signal: AbortSignal | undefined, send: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.#closedByUser) throw closedError(this.#state(doing, signal));
    if (signal?.aborted) throw abortError(signal, doing);
    if (this.#serverGone) throw goneError(this.#state(doing, signal));
    const linked = linkedSignal(signal);
    try {
      return await send(linked.signal);
    } catch (error) {
      throw requestError(error, this.#state(doing, signal));
    } finally {
      linked.done();
    }
  }

  async tools(options: McpToolsOptions = {}): Promise<McpTool[]> {
    const listed: McpServerTool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const result = await this.#request("listing tools", options.signal, (signal) =>
        this.#client.listTools(cursor === undefined ? {} : { cursor }, { signal, timeout: this.#timeoutMs }),
      );
      listed.push(...result.tools);
      cursor = result.nextCursor;
      if (cursor === undefined || cursor === "") break;
    }
    const kept = options.include ? listed.filter((tool) => options.include?.(tool.name)) : listed;
    const names = modelToolNames(
      kept.map((tool) => tool.name),
      {
        policy: this.#options.toolNames ?? "sanitize",
        server: this.server,
        ...(this.#options.prefix ? { prefix: this.#options.prefix } : {}),
      },
    );
    return kept.map((tool) => this.#toTool(tool, names.get(tool.name) ?? tool.name, options));
  }

  #toTool(tool: McpServerTool, name: string, options: McpToolsOptions): McpTool {
    const parameters = structuredClone(tool.inputSchema) as Record<string, unknown>;
    let parseInput: McpTool["parseInput"];
    try {
      parseInput = this.#validators.compile(parameters);
    } catch (cause) {
      throw new McpToolSchemaError(
        `The MCP server ${this.server} describes the input of tool ${JSON.stringify(tool.name)} with a JSON Schema that cannot be compiled: ${cause instanceof Error ? cause.message : String(cause)}. Fix the schema on the server, or leave the tool out with the \`include\` option of tools().`,
        { server: this.server, toolName: tool.name, cause },
      );
    }
    const serverName = tool.name;
    const description = tool.description ?? tool.title ?? tool.annotations?.title;
    const approval =
      typeof options.needsApproval === "function"
        ? options.needsApproval({ serverName, ...(tool.annotations ? { annotations: tool.annotations } : {}) })
        : options.needsApproval;
    return {
      name,
      serverName,
      ...(description !== undefined ? { description } : {}),
      ...(tool.annotations ? { annotations: tool.annotations } : {}),
      ...(approval !== undefined ? { needsApproval: approval } : {}),
      parameters,
      parseInput,
      execute: async (input, context) => {
        const result = await this.callTool(serverName, input, { signal: context.signal });
        if (result.isError === true) {
          const text = contentText(result).trim();
          throw new McpToolError(text || `The tool ${serverName} reported an error without saying what went wrong.`, {
            server: this.server,
            toolName: serverName,
            content: result.content ?? [],
          });
        }
        return toolOutput(result);
      },
    };
  }

  async callTool(serverName: string, args: Record<string, unknown>, options: McpCallOptions = {}): Promise<CallToolResult> {
    const result = await this.#request(`calling tool ${serverName}`, options.signal, (signal) =>
      this.#client.callTool({ name: serverName, arguments: args }, undefined, { signal, timeout: this.#timeoutMs }),
    );
    return result as CallToolResult;
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closedByUser = true;
    if (this.#transport instanceof StreamableHTTPClientTransport && !this.#serverGone) {
      // Lets the server free the session now rather than when it times out; a server that does
      // not answer must not hold close() up.
      const transport = this.#transport;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        transport.terminateSession().catch(() => undefined),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, 2_000);
        }),
      ]);
      clearTimeout(timer);
    }
    await this.#client.close().catch(() => undefined);
  }
}

/**
 * Connects to an MCP server and completes the MCP handshake. Give `{ command, args, env }` for a
 * server run as a child process over stdio, or `{ url, headers }` for Streamable HTTP.
 */
export async function connectMcp(server: McpServerSpec, options: ConnectMcpOptions = {}): Promise<McpConnection> {
  const checked = checkServer(server);
  checkOptions(options);
  const doing = "connecting";
  if (options.signal?.aborted) throw abortError(options.signal, doing);
  const stderr = { tail: "" };
  const transport =
    checked.kind === "stdio"
      ? new TrackedStdioTransport({
          command: checked.spec.command,
          args: [...(checked.spec.args ?? [])],
          ...(checked.spec.env ? { env: { ...checked.spec.env } } : {}),
          ...(checked.spec.cwd ? { cwd: checked.spec.cwd } : {}),
          stderr: "pipe",
        })
      : new StreamableHTTPClientTransport(checked.url, {
          ...(checked.spec.headers ? { requestInit: { headers: { ...checked.spec.headers } } } : {}),
        });
  if (transport instanceof StdioClientTransport) {
    // Piped rather than inherited so the last of it can go into the error when the server dies.
    transport.stderr?.on("data", (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      stderr.tail = (stderr.tail + text).slice(-STDERR_TAIL_CHARS);
      if (typeof options.stderr === "function") options.stderr(text);
      else if (options.stderr !== "ignore") process.stderr.write(text);
    });
  }
  const client = new Client(options.clientInfo ?? { name: "kaizen", version: "0.1.0" }, { capabilities: {} });
  const timeoutMs = options.connectTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const linked = linkedSignal(options.signal);
  try {
    await client.connect(transport, { signal: linked.signal, timeout: timeoutMs });
  } catch (error) {
    await client.close().catch(() => undefined);
    if (transport instanceof TrackedStdioTransport) await transport.stopStartedChild();
    const state: ErrorState = {
      server: checked,
      timeoutMs,
      doing,
      signal: options.signal,
      closedByUser: false,
      serverGone: false,
      stderrTail: stderr.tail,
    };
    throw connectError(error, state);
  } finally {
    linked.done();
  }
  return new Connection(client, transport, checked, options, stderr);
}
