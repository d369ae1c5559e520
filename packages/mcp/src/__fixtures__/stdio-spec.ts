// How the tests start the stdio test server: this node with the tsx loader, as a user would start
// any server with `command` and `args`.
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { McpStdioServer } from "../index.js";

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

export function stdioTestServer(): McpStdioServer {
  return {
    command: process.execPath,
    args: ["--import", tsxLoader, fileURLToPath(new URL("./stdio-server.ts", import.meta.url))],
  };
}
