import type { FastifyReply } from "fastify";

/**
 * What is left of REQUEST_TIMEOUT_MS for this request. The budget starts when the request arrives,
 * not when its handler runs: time spent before (a rate-limit check waiting on a slow Redis, a slow
 * body) counts too, so that the answer comes within the timeout the operator set. At least 1 ms,
 * so that a request already past it fails as a timeout at once.
 */
export function remainingMs(reply: FastifyReply, requestTimeoutMs: number): number {
  return Math.max(1, Math.floor(requestTimeoutMs - reply.elapsedTime));
}
