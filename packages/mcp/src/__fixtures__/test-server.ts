// The MCP server the tests talk to, built with the same SDK as the client: tools that add, echo,
// fail, take their time (and notice cancellation), carry a name models reject, and, over stdio
// only, kill the server mid-call.
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";

export interface TestServerOptions {
  /** Registers `crash`, which exits the process; never in the test runner's own process. */
  withCrash?: boolean;
}

export function buildTestServer(options: TestServerOptions = {}): McpServer {
  const server = new McpServer({ name: "kaizen-test-server", version: "1.0.0" });
  const stats = { cancelled: 0, slowStarted: 0 };

  server.registerTool(
    "add",
    {
      description: "Adds two numbers.",
      inputSchema: { a: z.number().describe("first addend"), b: z.number().describe("second addend") },
      outputSchema: { sum: z.number() },
      annotations: { readOnlyHint: true },
    },
    ({ a, b }) => ({ content: [{ type: "text", text: String(a + b) }], structuredContent: { sum: a + b } }),
  );

  server.registerTool(
    "echo",
    { description: "Repeats the text, in two content blocks.", inputSchema: { text: z.string().min(1) } },
    ({ text }) => ({
      content: [
        { type: "text", text },
        { type: "text", text: `(${text.length} characters)` },
      ],
    }),
  );

  server.registerTool(
    "fail",
    { description: "Always fails, saying why.", inputSchema: { reason: z.string() } },
    ({ reason }) => ({ isError: true, content: [{ type: "text", text: `could not do it: ${reason}` }] }),
  );

  server.registerTool(
    "slow",
    { description: "Waits ms milliseconds, unless cancelled.", inputSchema: { ms: z.number().int().nonnegative() } },
    async ({ ms }, extra) => {
      stats.slowStarted += 1;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, ms);
        extra.signal.addEventListener(
          "abort",
          () => {
            clearTimeout(timer);
            stats.cancelled += 1;
            reject(new Error("cancelled"));
          },
          { once: true },
        );
      });
      return { content: [{ type: "text", text: `waited ${ms} ms` }] };
    },
  );

  server.registerTool("stats", { description: "What the server has seen." }, () => ({
    content: [{ type: "text", text: JSON.stringify(stats) }],
    structuredContent: { ...stats },
  }));

  server.registerTool(
    "text.upper",
    { description: "Upper-cases the text (a dotted name, as MCP allows and models do not).", inputSchema: { text: z.string() } },
    ({ text }) => ({ content: [{ type: "text", text: text.toUpperCase() }] }),
  );

  if (options.withCrash) {
    server.registerTool("crash", { description: "Exits the server process mid-call." }, () => {
      process.stderr.write("crash tool: exiting with code 3\n");
      process.exit(3);
    });
  }

  return server;
}

/**
 * A server on the SDK's low-level API, for what McpServer does not do: tools/list in pages of two
 * (so the client must follow nextCursor) and hand-written schemas in two JSON Schema dialects.
 */
export function buildPagedServer(): Server {
  const server = new Server({ name: "kaizen-paged-server", version: "1.0.0" }, { capabilities: { tools: {} } });
  const tools = [
    {
      name: "greet",
      description: "Greets someone (a 2020-12 schema with $defs).",
      inputSchema: {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        type: "object" as const,
        properties: { who: { $ref: "#/$defs/name" } },
        required: ["who"],
        additionalProperties: false,
        $defs: { name: { type: "string", minLength: 2 } },
      },
    },
    {
      name: "count",
      description: "Counts items (a draft-07 schema).",
      inputSchema: {
        $schema: "http://json-schema.org/draft-07/schema#",
        type: "object" as const,
        properties: { items: { type: "array", items: { type: "string" }, maxItems: 3 } },
        required: ["items"],
      },
    },
    {
      name: "a-very-long-tool-name-that-goes-on-and-on-well-past-the-sixty-four-character-limit",
      inputSchema: { type: "object" as const },
    },
    {
      name: "when",
      description: "A date-time, checked by format.",
      inputSchema: { type: "object" as const, properties: { at: { type: "string", format: "date-time" } } },
    },
    { name: "last", inputSchema: { type: "object" as const, properties: {} } },
  ];
  server.setRequestHandler(ListToolsRequestSchema, (request) => {
    const start = request.params?.cursor === undefined ? 0 : Number(request.params.cursor);
    const end = start + 2;
    return { tools: tools.slice(start, end), ...(end < tools.length ? { nextCursor: String(end) } : {}) };
  });
  server.setRequestHandler(CallToolRequestSchema, (request) => {
    if (!tools.some((tool) => tool.name === request.params.name)) {
      throw new McpError(ErrorCode.InvalidParams, `no tool named ${request.params.name}`);
    }
    return { content: [{ type: "text", text: `${request.params.name} ${JSON.stringify(request.params.arguments ?? {})}` }] };
  });
  return server;
}
