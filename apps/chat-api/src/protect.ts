// What keeps one busy or abusive client from taking the API down for everyone: security headers,
// a per-client rate limit, a cap on requests in flight and an event-loop-delay guard. Every shed
// request is answered at once (429 or 503 with Retry-After, in the `{ detail }` shape) instead of
// queueing behind the others, and /health/live is exempt from all of it so that a liveness probe
// never restarts a server that is merely busy.
import fastifyHelmet from "@fastify/helmet";
import fastifyRateLimit from "@fastify/rate-limit";
import fastifyUnderPressure from "@fastify/under-pressure";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Redis } from "ioredis";
import { clientKeyOf } from "./api-keys.js";

export interface ProtectionOptions {
  /** Requests per minute per client (API key, else IP); 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** Requests handled at once before new ones get a 503; 0 turns the cap off. */
  maxInFlight: number;
  /** Event-loop delay (ms) past which new requests get a 503; 0 turns the guard off. */
  maxEventLoopDelayMs: number;
  /** Shares the rate-limit counters across instances (REDIS_URL); in-process when absent. */
  rateLimitRedis?: Redis | undefined;
}

const LIVE = "/health/live";
const RETRY_AFTER_S = 1;
const isExempt = (request: FastifyRequest) => request.url === LIVE || request.url.startsWith(`${LIVE}?`);

export async function registerProtection(app: FastifyInstance, options: ProtectionOptions): Promise<void> {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // Swagger UI at /docs styles itself inline; the chat page has no inline script.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });

  if (options.maxInFlight > 0) {
    let inFlight = 0;
    app.addHook("onRequest", async (request, reply) => {
      if (isExempt(request)) return;
      if (inFlight >= options.maxInFlight) {
        return reply
          .code(503)
          .header("retry-after", String(RETRY_AFTER_S))
          .send({ detail: `Service busy: ${options.maxInFlight} requests are in flight; retry after ${RETRY_AFTER_S} s.` });
      }
      inFlight += 1;
      // onResponse does not run for a request whose client went away first: count on the socket's close.
      let done = false;
      const release = () => {
        if (done) return;
        done = true;
        inFlight -= 1;
      };
      reply.raw.once("close", release);
      return undefined;
    });
  }

  if (options.maxEventLoopDelayMs > 0) {
    await app.register(fastifyUnderPressure, {
      maxEventLoopDelay: options.maxEventLoopDelayMs,
      // The plugin sends a non-null return value as the answer (its types only say void).
      pressureHandler: ((request: FastifyRequest, reply: FastifyReply, type: string, value: number | undefined) => {
        if (isExempt(request)) return undefined;
        reply.code(503).header("retry-after", String(RETRY_AFTER_S));
        const what = type === "eventLoopDelay" ? `event loop delay ${Math.round(value ?? 0)} ms` : type;
        return { detail: `Service busy (${what}); retry after ${RETRY_AFTER_S} s.` };
      }) as unknown as (request: FastifyRequest, reply: FastifyReply, type: string, value: number | undefined) => void,
    });
  }

  if (options.rateLimitPerMinute > 0) {
    await app.register(fastifyRateLimit, {
      max: options.rateLimitPerMinute,
      timeWindow: 60_000,
      ...(options.rateLimitRedis ? { redis: options.rateLimitRedis, nameSpace: "kaizen-chat-rl:" } : {}),
      // A Redis outage must not take the API down with it: the limit lapses, requests go on.
      skipOnError: true,
      keyGenerator: (request) => clientKeyOf(request) ?? request.ip,
      allowList: (request) => request.url.startsWith("/health"),
      errorResponseBuilder: (_request, context) => {
        const err = new Error(
          `Too many requests: the limit is ${context.max} per minute per client; retry in ${context.after}.`,
        ) as Error & { statusCode: number; code: string };
        err.statusCode = context.statusCode;
        err.code = "rate_limited";
        return err;
      },
    });
  }
}
