import type { RouteContext } from "../route-context.js";
import { storedSessionId } from "../api-keys.js";
import { clientGoneSignal } from "../client-signal.js";
import { remainingMs } from "../deadline.js";
import { toHttpFailure } from "../errors.js";
import { imageBodyLimit } from "../schemas.js";
import { agentFor, toolCallsOf } from "../tool-mode.js";
import { relayToolStream } from "../tool-stream.js";

/**
 * Server-sent events for the chat page: `partial` events carry the answer as it grows
 * ({ response, confidence }), then one `result` event with the validated answer, or one `error`
 * event ({ statusCode, detail }) mapped like the JSON routes. A client that disconnects aborts
 * the upstream LLM request, and nothing is saved to memory for it.
 */
export function registerStreamRoutes({ app, deps, opts, schemas }: RouteContext): void {
  app.post(
    "/api/chat/stream",
    {
      schema: {
        tags: ["chat"],
        summary: "Ask and receive the answer as it is written (server-sent events)",
        description:
          "Responds with text/event-stream: `event: partial` (data {response, confidence}) while the answer grows, " +
          "then `event: result` (data {response, confidence, sessionId?}), or `event: error` (data {statusCode, detail}). " +
          "With `tools: true` each tool call is sent as it happens: `event: tool-call` (data {step, id, name, input}) just " +
          "before it runs, then `event: tool-result` (data {step, id, name, input, status, output?, error?, ms}); the result " +
          "event then carries `toolCalls`, the same list.",
        body: schemas.chatRequest,
        response: { 400: schemas.error, 413: schemas.error },
      },
      bodyLimit: imageBodyLimit(opts),
    },
    async (request, reply) => {
      const { message, sessionId, tools, image } = request.body;
      const signal = clientGoneSignal(reply.raw);
      const res = reply.raw;
      reply.hijack();
      res.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        // Proxies such as nginx would otherwise buffer the stream and defeat its purpose.
        "x-accel-buffering": "no",
      });
      const send = (event: string, data: unknown) => {
        if (!res.writableEnded && !res.destroyed) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      try {
        const agent = agentFor(deps, tools);
        const stream = agent.streamAsync(
          { question: message, ...(image === undefined ? {} : { image }) },
          {
            sessionId: sessionId === undefined ? undefined : storedSessionId(request, sessionId),
            signal,
            timeoutMs: remainingMs(reply, opts.requestTimeoutMs),
          },
        );
        // Leaving the loop early (client gone) leaves the result to reject with nobody awaiting it.
        void stream.result.catch(() => undefined);
        if (tools && deps.tools) {
          await relayToolStream(stream, deps.tools.watch, send, signal);
        } else {
          let last = "";
          for await (const partial of stream) {
            if (signal.aborted) break;
            const payload = { response: partial.answer ?? "", confidence: partial.confidence ?? null };
            const key = JSON.stringify(payload);
            if (key !== last) send("partial", payload);
            last = key;
          }
        }
        if (!signal.aborted) {
          const result = await stream.result;
          send("result", {
            response: result.answer,
            confidence: result.confidence ?? null,
            ...(sessionId ? { sessionId } : {}),
            ...(tools ? { toolCalls: toolCallsOf(result) } : {}),
          });
        }
      } catch (err) {
        if (signal.aborted) {
          request.log.info("stream cancelled: the client went away");
        } else {
          const failure = toHttpFailure(err, deps.secrets);
          request.log.error({ err, statusCode: failure.statusCode }, "stream failed");
          send("error", failure);
        }
      } finally {
        res.end();
      }
    },
  );
}
