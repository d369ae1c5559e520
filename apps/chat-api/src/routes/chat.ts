import type { RouteContext } from "../route-context.js";
import { clientKeyOf, storedSessionId } from "../api-keys.js";
import { clientGoneSignal } from "../client-signal.js";
import { remainingMs } from "../deadline.js";
import { agentFor, toolCallsOf } from "../tool-mode.js";
import { TOOLS_DESCRIPTION } from "../tool-schemas.js";
import { historyToolCallsOf } from "../history-tool-calls.js";
import { imageBodyLimit } from "../schemas.js";

export function registerChatRoutes({ app, deps, opts, schemas }: RouteContext): void {
  const errors = {
    400: schemas.error,
    401: schemas.error,
    413: schemas.error,
    429: schemas.error,
    500: schemas.error,
    503: schemas.error,
  };

  app.post(
    "/api/chat",
    {
      schema: {
        tags: ["chat"],
        summary: "Ask a question",
        description:
          "Answered with runAsync; with a sessionId the conversation is remembered. `tools: true`: " +
          `${TOOLS_DESCRIPTION.replace(" Default false.", "")}; the answer then lists them in toolCalls.`,
        body: schemas.chatRequest,
        response: { 200: schemas.chatResponse, ...errors },
      },
      bodyLimit: imageBodyLimit(opts),
    },
    async (request, reply) => {
      const { message, sessionId, tools, image } = request.body;
      const result = await agentFor(deps, tools).runAsync(
        { question: message, ...(image === undefined ? {} : { image }) },
        {
          sessionId: sessionId === undefined ? undefined : storedSessionId(request, sessionId),
          signal: clientGoneSignal(reply.raw),
          timeoutMs: remainingMs(reply, opts.requestTimeoutMs),
        },
      );
      return {
        response: result.answer,
        confidence: result.confidence ?? null,
        ...(sessionId ? { sessionId } : {}),
        ...(tools ? { toolCalls: toolCallsOf(result) } : {}),
      };
    },
  );

  app.post(
    "/api/chat/:sessionId",
    {
      schema: {
        tags: ["chat"],
        summary: "Ask within a session: earlier turns of the same sessionId are the model's context",
        description:
          "Earlier turns of this session are part of the prompt; the answer is saved to the session. " +
          "`tools: true` as in POST /api/chat.",
        params: schemas.sessionParams,
        body: schemas.chatMessageOnly,
        response: { 200: schemas.chatResponse, ...errors },
      },
      bodyLimit: imageBodyLimit(opts),
    },
    async (request, reply) => {
      const { sessionId } = request.params;
      const { message, tools, image } = request.body;
      const result = await agentFor(deps, tools).runAsync(
        { question: message, ...(image === undefined ? {} : { image }) },
        {
          sessionId: storedSessionId(request, sessionId),
          signal: clientGoneSignal(reply.raw),
          timeoutMs: remainingMs(reply, opts.requestTimeoutMs),
        },
      );
      return {
        response: result.answer,
        confidence: result.confidence ?? null,
        sessionId,
        ...(tools ? { toolCalls: toolCallsOf(result) } : {}),
      };
    },
  );

  app.get(
    "/api/chat/:sessionId/history",
    {
      schema: {
        tags: ["chat"],
        summary: "The turns of a session, oldest first (the page shows them after a reload)",
        params: schemas.sessionParams,
        description: "With CHAT_API_KEYS on, a session belongs to the key that made it: for any other key it is a 404.",
        response: { 200: schemas.historyResponse, ...errors, 404: schemas.error },
      },
    },
    async (request, reply) => {
      const { sessionId } = request.params;
      if (!deps.memory) return { sessionId, turns: [] };
      const context = await deps.memory.loadAsync(storedSessionId(request, sessionId), {
        signal: AbortSignal.timeout(remainingMs(reply, opts.requestTimeoutMs)),
      });
      // With keys on, "no such session for you" is a 404, so ids of other keys can't be probed.
      if (clientKeyOf(request) !== undefined && context.turns.length === 0) {
        return reply.code(404).send({ detail: `Not found: no session ${sessionId} for this API key.` });
      }
      return {
        sessionId,
        turns: context.turns.map((turn) => ({
          question: String(turn.inputs["question"] ?? ""),
          response: String(turn.outputs["answer"] ?? ""),
          confidence: typeof turn.outputs["confidence"] === "number" ? turn.outputs["confidence"] : null,
          createdAt: new Date(turn.createdAt).toISOString(),
          ...toolCallsField(historyToolCallsOf(turn.metadata)),
        })),
      };
    },
  );
}

const toolCallsField = <T>(calls: T[] | undefined) => (calls === undefined ? {} : { toolCalls: calls });
