// One SERVER span per request, continuing the caller's W3C `traceparent`, and the request's log
// lines carrying its trace and span ids. The handler runs inside the span's context, so the
// agent's `invoke_agent` span (core takes the active context as its parent) nests under it.
// Hand-written rather than @opentelemetry/instrumentation-http: that patches node:http at
// start-up and brings a dependency tree for what is here about forty lines.
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  context,
  defaultTextMapGetter,
  isSpanContextValid,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
} from "@opentelemetry/api";
import type { IncomingMessage } from "node:http";
import type { FastifyInstance, FastifyRequest, FastifyServerOptions } from "fastify";

// Used directly, not through the global propagator, so that log lines carry the caller's trace
// id even when no SDK is registered (the no-op tracer keeps a valid parent's span context).
const propagator = new W3CTraceContextPropagator();
const tracer = trace.getTracer("@kaizen/chat-api");

declare module "fastify" {
  interface FastifyRequest {
    otel?: { span: Span; context: Context };
  }
}

// The span starts where Fastify makes the request's logger, before its first log line
// ("incoming request"), so that every line of the request carries the ids; the route is not
// known yet there, so onRequest names the span once it is.
const started = new WeakMap<IncomingMessage, { span: Span; context: Context }>();

export const childLoggerFactory: NonNullable<FastifyServerOptions["childLoggerFactory"]> = (logger, bindings, opts, raw) => {
  const parent = propagator.extract(context.active(), raw.headers, defaultTextMapGetter);
  const span = tracer.startSpan(raw.method ?? "HTTP", { kind: SpanKind.SERVER }, parent);
  started.set(raw, { span, context: trace.setSpan(parent, span) });
  const ids = span.spanContext();
  return logger.child(isSpanContextValid(ids) ? { ...bindings, traceId: ids.traceId, spanId: ids.spanId } : bindings, opts);
};

export function registerRequestTracing(app: FastifyInstance): void {
  app.addHook("onRequest", (request, _reply, done) => {
    const otel = started.get(request.raw);
    if (otel) {
      const route = request.routeOptions.url;
      otel.span.updateName(route ? `${request.method} ${route}` : request.method);
      otel.span.setAttributes({
        "http.request.method": request.method,
        "url.path": request.url.split("?")[0] ?? request.url,
        ...(route ? { "http.route": route } : {}),
      });
      request.otel = otel;
    }
    done();
  });
  // The last hook before the handler: everything the handler starts runs in the request's span.
  app.addHook("preHandler", (request, _reply, done) => {
    if (request.otel) context.with(request.otel.context, done);
    else done();
  });
  app.addHook("onResponse", (request, reply, done) => {
    endSpan(request, reply.statusCode);
    done();
  });
  // A client that goes away before the answer gets no onResponse.
  app.addHook("onRequestAbort", (request, done) => {
    endSpan(request, 499);
    done();
  });
}

function endSpan(request: FastifyRequest, status: number): void {
  const otel = request.otel;
  if (!otel) return;
  request.otel = undefined;
  otel.span.setAttribute("http.response.status_code", status);
  if (status >= 500) otel.span.setStatus({ code: SpanStatusCode.ERROR });
  otel.span.end();
}
