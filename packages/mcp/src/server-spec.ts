// Which MCP server to connect to, checked before anything starts, and the one line that names it
// in every error. The line never carries headers or environment values, which may hold keys.
import { ConfigurationError } from "@kaizen/contracts";

/** A server started as a child process that speaks MCP on its stdin and stdout. */
export interface McpStdioServer {
  command: string;
  args?: readonly string[];
  /**
   * Added to a minimal inherited environment (PATH, HOME, USER, SHELL, TERM, LOGNAME), not to the
   * whole of `process.env`, so the server sees no secret it was not given.
   */
  env?: Readonly<Record<string, string>>;
  cwd?: string;
}

/** A server reached over Streamable HTTP. */
export interface McpHttpServer {
  /** The MCP endpoint, usually ending in `/mcp`. */
  url: string | URL;
  /** Sent with every request, e.g. `{ authorization: "Bearer ..." }`. */
  headers?: Readonly<Record<string, string>>;
}

export type McpServerSpec = McpStdioServer | McpHttpServer;

export type CheckedServer =
  { kind: "stdio"; spec: McpStdioServer; label: string } | { kind: "http"; spec: McpHttpServer; url: URL; label: string };

export function checkServer(server: McpServerSpec): CheckedServer {
  const hasCommand = typeof (server as Partial<McpStdioServer>).command === "string";
  const hasUrl = (server as Partial<McpHttpServer>).url !== undefined;
  if (hasCommand === hasUrl) {
    throw new ConfigurationError(
      'connectMcp needs exactly one of `command` (a server started as a child process, spoken to over stdio) or `url` (a server\'s Streamable HTTP endpoint), e.g. { command: "npx", args: ["my-mcp-server"] } or { url: "http://127.0.0.1:3000/mcp" }.',
      { field: hasCommand ? "url" : "command" },
    );
  }
  if (hasCommand) {
    const spec = server as McpStdioServer;
    if (spec.command.trim() === "") {
      throw new ConfigurationError('command is empty: give the program that starts the MCP server, e.g. "node" or "npx".', {
        field: "command",
      });
    }
    return { kind: "stdio", spec, label: [spec.command, ...(spec.args ?? [])].join(" ") };
  }
  const spec = server as McpHttpServer;
  let url: URL;
  try {
    url = new URL(spec.url);
  } catch (cause) {
    throw new ConfigurationError(
      `url ${JSON.stringify(String(spec.url))} is not a URL: give the full endpoint, e.g. "http://127.0.0.1:3000/mcp".`,
      {
        field: "url",
        cause,
      },
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigurationError(
      `url must be http: or https:, not ${url.protocol} (for a local program use \`command\` instead).`,
      {
        field: "url",
      },
    );
  }
  // Credentials in the userinfo or the query string stay out of messages.
  return { kind: "http", spec, url, label: `${url.origin}${url.pathname}` };
}
