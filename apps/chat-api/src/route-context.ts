// The types the app and its route files share, apart from app.ts so that a route file does not
// import back from the module that registers it.
import type { FastifyBaseLogger, FastifyInstance, FastifyServerOptions, RawServerDefault } from "fastify";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { QAAgent } from "@kaizen/app-shared";
import type { Memory } from "@kaizen/memory";
import type { ProtectionOptions } from "./protect.js";
import type { ToolDeps } from "./tool-mode.js";
import type { Limits, Schemas } from "./schemas.js";

export interface AppDeps {
  agent: QAAgent;
  /** The tool mode (`"tools": true`): the agent with the built-in tools and the watch on its calls. */
  tools?: ToolDeps | undefined;
  /** Where the agent keeps sessions; the history endpoint reads it. */
  memory: Memory | undefined;
  /** For /health and the start-up log. */
  info: { llm: string; model: string; memory: string };
  /** Values blanked out of every error message (keys, connection strings). */
  secrets: readonly string[];
}

export interface AppOptions extends Limits, ProtectionOptions {
  bodyLimitBytes: number;
  /** CHAT_API_KEYS: when non-empty, /api and /batch need one of them (see api-keys.ts). */
  apiKeys: readonly string[];
  batchConcurrency: number;
  requestTimeoutMs: number;
  logger: FastifyServerOptions["logger"];
}

export type BuiltApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;
export interface RouteContext {
  app: BuiltApp;
  deps: AppDeps;
  opts: AppOptions;
  schemas: Schemas;
}
