// What keeps one busy or abusive client from taking the API down for everyone: security headers,
// a per-client rate limit, a cap on requests in flight (shed-gate.ts, ahead of Fastify) and an
// event-loop-delay guard. Every shed request is answered (429 or 503 with Retry-After, in the
// `{ detail }` shape) instead of queueing behind the others, and /health/live is exempt from all
// of it so that a liveness probe never restarts a server that is merely busy.
import fastifyRateLimit from "@fastify/rate-limit";
import fastifyUnderPressure from "@fastify/under-pressure";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Redis } from "ioredis";
import { clientKeyOf } from "./api-keys.js";
import { securityHeaders } from "./security-headers.js";

export interface ProtectionOptions {
  /** Requests per minute per client (API key, else IP); 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** Requests handled at once before new ones get a 503; 0 turns the cap off (shed-gate.ts). */
  maxInFlight: number;
  /** How long a shed 503 is held before it is written (shed-gate.ts); 0 answers at once. */
  shedHoldMs: number;
  /** Event-loop delay (ms) past which new requests get a 503; 0 turns the guard off. */
  maxEventLoopDelayMs: number;
  /** Shares the rate-limit counters across instances (REDIS_URL); in-process when absent. */
  rateLimitRedis?: Redis | undefined;
}

const LIVE = "/health/live";
export const RETRY_AFTER_S = 1;
export const isExemptUrl = (url: string) => url === LIVE || url.startsWith(`${LIVE}?`);
const isExempt = (request: FastifyRequest) => isExemptUrl(request.url);

export const SECURITY_HEADERS = securityHeaders({
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

/** The limits that run inside Fastify; the cap on requests in flight runs before it (shed-gate.ts). */
export async function registerProtection(app: FastifyInstance, options: ProtectionOptions): Promise<void> {
  app.addHook("onRequest", (_request, reply, done) => {
    reply.headers(SECURITY_HEADERS);
    done();
  });

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
