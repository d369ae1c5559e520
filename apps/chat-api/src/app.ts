import { fileURLToPath } from "node:url";
import Fastify from "fastify";
import fastifyStatic from "@fastify/static";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import { MAX_SESSION_ID_LENGTH } from "@kaizen/memory";
import { registerApiKeys } from "./api-keys.js";
import { clientGone } from "./client-signal.js";
import { parseJsonBody } from "./json-body.js";
import { toHttpFailure } from "./errors.js";
import { registerBatchRoutes } from "./routes/batch.js";
import { registerChatRoutes } from "./routes/chat.js";
import { registerHealthRoutes } from "./routes/health.js";
import { registerStreamRoutes } from "./routes/stream.js";
import { isExemptUrl, registerProtection, RETRY_AFTER_S, SECURITY_HEADERS } from "./protect.js";
import { gatedServerFactory } from "./shed-gate.js";
import { childLoggerFactory, registerRequestTracing } from "./request-tracing.js";
import { buildSchemas } from "./schemas.js";
import type { AppDeps, AppOptions, BuiltApp } from "./route-context.js";

export type { AppDeps, AppOptions, BuiltApp, RouteContext } from "./route-context.js";

export const DEFAULT_APP_OPTIONS: AppOptions = {
  bodyLimitBytes: 256 * 1024,
  maxMessageChars: 8000,
  maxImageBytes: 5 * 1024 * 1024,
  maxBatchQuestions: 100,
  batchConcurrency: 20,
  requestTimeoutMs: 60_000,
  apiKeys: [],
  rateLimitPerMinute: 300,
  maxInFlight: 512,
  shedHoldMs: 500,
  maxEventLoopDelayMs: 1000,
  logger: false,
};

const publicDir = fileURLToPath(new URL("../public/", import.meta.url));

/** Kaizen for Python's FastAPI example app, on Fastify. Not listening yet: call `listen` (main.ts) or `inject` (tests). */
export async function buildApp(deps: AppDeps, options: Partial<AppOptions> = {}): Promise<BuiltApp> {
  const opts: AppOptions = { ...DEFAULT_APP_OPTIONS, ...options };
  let shed = 0;
  const app = Fastify({
    // The cap on requests in flight sits in the server's own listener, ahead of Fastify (shed-gate.ts).
    // Fastify's server options still apply: it sets them only on a server it makes itself.
    ...(opts.maxInFlight > 0 && {
      serverFactory: gatedServerFactory({
        maxInFlight: opts.maxInFlight,
        holdMs: opts.shedHoldMs,
        retryAfterS: RETRY_AFTER_S,
        headers: SECURITY_HEADERS,
        isExempt: isExemptUrl,
        onShed: () => (shed += 1),
      }),
      // Fastify's default for a server it makes itself; with a serverFactory it must be asked for,
      // or close() waits for every kept-alive connection (a browser's: 72 s) to go quiet.
      forceCloseConnections: "idle" as const,
    }),
    logger: opts.logger,
    childLoggerFactory,
    bodyLimit: opts.bodyLimitBytes,
    // Fastify's default (100) would answer ids of 101-128 characters, valid everywhere else, with a
    // 414 in its own shape. Longer than the id rule, so a too-long id reaches the schema and gets
    // the same 400 by path as in a body; past this the router still refuses (414) on its own.
    routerOptions: { maxParamLength: MAX_SESSION_ID_LENGTH * 4 },
    // New requests during shutdown get a 503 while the ones in flight finish.
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, parseJsonBody);
  app.setSerializerCompiler(serializerCompiler);

  // Shed requests never reach Fastify (no log line each): one summary line per 10 s instead.
  const shedReport = setInterval(() => {
    if (shed === 0) return;
    app.log.warn({ shed, maxInFlight: opts.maxInFlight }, "shedding load: requests over MAX_IN_FLIGHT got a 503");
    shed = 0;
  }, 10_000).unref();
  app.addHook("onClose", (_instance, done) => {
    clearInterval(shedReport);
    done();
  });
  // Node closes idle keep-alive connections once, when close() starts: a connection whose request
  // was in flight then (a browser's /health poll) would hold close() until the client drops it
  // (Chromium: 72 s). Sweep until the server has closed.
  app.addHook("preClose", (done) => {
    if (!app.server.listening) return done();
    const sweep = setInterval(() => app.server.closeIdleConnections(), 100);
    sweep.unref();
    app.server.once("close", () => clearInterval(sweep));
    done();
  });

  // First, so that even a refused request has its span and its trace id in the log.
  registerRequestTracing(app);
  // Before everything else: a refused or unauthorised request costs as little as possible.
  await registerProtection(app, opts);
  registerApiKeys(app, opts.apiKeys);

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: "Kaizen chat API",
        description:
          "An async agent API: a typed QA signature answered through runAsync, with memory per session, " +
          "concurrent batches and server-sent events.",
        version: "0.0.0",
      },
      tags: [
        { name: "chat", description: "Questions and answers" },
        { name: "ops", description: "Health" },
      ],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/docs" });
  await app.register(fastifyStatic, { root: publicDir, prefix: "/", index: "index.html" });

  app.setErrorHandler((err, request, reply) => {
    if (clientGone(reply.raw)) {
      // Nobody is left to answer: not a server failure, and no stack worth keeping.
      request.log.info({ reason: (err as { message?: string }).message }, "client closed");
      return reply.code(499).send({ detail: "Client closed the request." });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? "body";
      const problems = err.validation.map((v) => {
        const field = v.instancePath.replace(/^\//, "").replaceAll("/", ".");
        return `${field ? `${where}.${field}` : where}: ${v.message}`;
      });
      return reply.code(400).send({ detail: `Invalid request ${where}: ${problems.join("; ")}` });
    }
    const e = err as { code?: string; statusCode?: number; message?: string };
    if (e.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      // Routes that take an image have a larger limit of their own.
      const limit = request.routeOptions.bodyLimit ?? opts.bodyLimitBytes;
      return reply.code(413).send({ detail: `Request body too large: the limit is ${limit} bytes.` });
    }
    if (e.statusCode === 429 && e.code === "rate_limited")
      return reply.code(429).send({ detail: e.message ?? "Too many requests." });
    if (typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) {
      // Fastify's own client errors (bad JSON, unsupported media type): their messages are safe.
      return reply.code(e.statusCode).send({ detail: `Bad request: ${e.message ?? "invalid request"}` });
    }
    const failure = toHttpFailure(err, deps.secrets);
    request.log.error({ err, statusCode: failure.statusCode }, "request failed");
    return reply.code(failure.statusCode).send({ detail: failure.detail });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ detail: `Not found: ${request.method} ${request.url.split("?")[0]}. See /docs.` }),
  );

  const schemas = buildSchemas(opts);
  const ctx = { app, deps, opts, schemas };
  registerHealthRoutes(ctx);
  registerChatRoutes(ctx);
  registerStreamRoutes(ctx);
  registerBatchRoutes(ctx);
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  return app;
}
