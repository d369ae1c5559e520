// The cap on requests in flight, applied in the HTTP server's own request listener, before
// Fastify. Why not a Fastify hook (as before): measured at 2000 connections on 2 cores, a shed
// request cost about 200 µs through Fastify (its request and reply objects, the request's logger
// and span, the hooks) against about 30 µs here, and a storm of instant 503s kept every epoll
// round full: libuv then polls again without running timers (up to 48 rounds of 1024 events), so
// the loop stalled for seconds, admitted requests waited that long to reach the model and the
// accept queue overflowed, dropping the liveness probe's SYN (a 15 s probe).
//
// A shed answer is also held for `holdMs` before it is written: a client that ignores Retry-After
// and asks again at once on the same connection can then ask at most once per `holdMs`, which is
// what keeps the storm small. The answer is still a 503 with Retry-After, never a queue.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { FastifyServerFactory, RawServerDefault } from "fastify";

export interface ShedGateOptions {
  /** Requests handled at once; past it new ones get the 503. */
  maxInFlight: number;
  /** How long a shed answer is held before it is written (0: at once). */
  holdMs: number;
  retryAfterS: number;
  /** Headers every answer carries (the security headers), added to the 503's own. */
  headers: Readonly<Record<string, string>>;
  /** Requests the cap never applies to (the liveness probe). */
  isExempt: (url: string) => boolean;
  /** Told of every shed request, for the log's summary. */
  onShed?: () => void;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** Wraps the server's request listener (Fastify's handler) with the cap. */
export function shedGate(options: ShedGateOptions, next: Listener): Listener {
  const body = Buffer.from(
    JSON.stringify({
      detail: `Service busy: ${options.maxInFlight} requests are in flight; retry after ${options.retryAfterS} s.`,
    }),
  );
  const headers = {
    ...options.headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": String(body.length),
    "retry-after": String(options.retryAfterS),
  };
  let inFlight = 0;
  const answer = (res: ServerResponse) => {
    if (!res.destroyed && !res.headersSent) res.writeHead(503, headers).end(body);
  };

  return (req, res) => {
    if (options.isExempt(req.url ?? "")) return next(req, res);
    if (inFlight >= options.maxInFlight) {
      options.onShed?.();
      // Read (and drop) any body, so that the kept-alive connection can carry the next request.
      req.resume();
      if (options.holdMs <= 0) return answer(res);
      const timer = setTimeout(answer, options.holdMs, res);
      res.once("close", () => clearTimeout(timer));
      return;
    }
    inFlight += 1;
    // "close" comes once per response: when it is written, or when the client went away first.
    res.once("close", () => {
      inFlight -= 1;
    });
    next(req, res);
  };
}

/**
 * Fastify's `serverFactory`: a node:http server whose listener is the gate in front of Fastify's.
 * Fastify applies its timeouts only to a server it makes itself, so they are applied here.
 */
export function gatedServerFactory(options: ShedGateOptions): FastifyServerFactory<RawServerDefault> {
  return (handler, fastifyOptions) => {
    const server = createServer(shedGate(options, handler as Listener));
    const num = (key: string) => (typeof fastifyOptions[key] === "number" ? fastifyOptions[key] : undefined);
    server.keepAliveTimeout = num("keepAliveTimeout") ?? server.keepAliveTimeout;
    server.requestTimeout = num("requestTimeout") ?? server.requestTimeout;
    server.setTimeout(num("connectionTimeout") ?? 0);
    const perSocket = num("maxRequestsPerSocket");
    if (perSocket !== undefined && perSocket > 0) server.maxRequestsPerSocket = perSocket;
    return server;
  };
}
