import type { RouteContext } from "../app.js";
import { clientGoneSignal } from "../client-signal.js";

export function registerChatRoutes({ app, deps, opts, schemas }: RouteContext): void {
  const errors = { 400: schemas.error, 413: schemas.error, 500: schemas.error, 503: schemas.error };

  app.post(
    "/api/chat",
    {
      schema: {
        tags: ["chat"],
        summary: "Ask a question (the seed's POST /api/chat)",
        description: "Answered with runAsync; with a sessionId the conversation is remembered.",
        body: schemas.chatRequest,
        response: { 200: schemas.chatResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { message, sessionId } = request.body;
      const result = await deps.agent.runAsync(
        { question: message },
        { sessionId, signal: clientGoneSignal(reply.raw), timeoutMs: opts.requestTimeoutMs },
      );
      return { response: result.answer, confidence: result.confidence ?? null, ...(sessionId ? { sessionId } : {}) };
    },
  );

  app.post(
    "/api/chat/:sessionId",
    {
      schema: {
        tags: ["chat"],
        summary: "Ask within a session (the seed's chat_with_memory)",
        description: "Earlier turns of this session are part of the prompt; the answer is saved to the session.",
        params: schemas.sessionParams,
        body: schemas.chatMessageOnly,
        response: { 200: schemas.chatResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { sessionId } = request.params;
      const result = await deps.agent.runAsync(
        { question: request.body.message },
        { sessionId, signal: clientGoneSignal(reply.raw), timeoutMs: opts.requestTimeoutMs },
      );
      return { response: result.answer, confidence: result.confidence ?? null, sessionId };
    },
  );

  app.get(
    "/api/chat/:sessionId/history",
    {
      schema: {
        tags: ["chat"],
        summary: "The turns of a session, oldest first (the page shows them after a reload)",
        params: schemas.sessionParams,
        response: { 200: schemas.historyResponse, 400: schemas.error, 500: schemas.error, 503: schemas.error },
      },
    },
    async (request) => {
      const { sessionId } = request.params;
      if (!deps.memory) return { sessionId, turns: [] };
      const context = await deps.memory.loadAsync(sessionId, { signal: AbortSignal.timeout(opts.requestTimeoutMs) });
      return {
        sessionId,
        turns: context.turns.map((turn) => ({
          question: String(turn.inputs["question"] ?? ""),
          response: String(turn.outputs["answer"] ?? ""),
          confidence: typeof turn.outputs["confidence"] === "number" ? turn.outputs["confidence"] : null,
          createdAt: new Date(turn.createdAt).toISOString(),
        })),
      };
    },
  );
}
