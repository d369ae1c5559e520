// The test server as a child process on stdio, as an MCP client starts one (run with node + tsx).
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { buildTestServer } from "./test-server.js";

process.stderr.write("test server: starting\n");
await buildTestServer({ withCrash: true }).connect(new StdioServerTransport());
