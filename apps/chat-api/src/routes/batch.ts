import type { RouteContext } from "../route-context.js";
import { clientGoneSignal } from "../client-signal.js";
import { toHttpFailure } from "../errors.js";

export function registerBatchRoutes({ app, deps, opts, schemas }: RouteContext): void {
  app.post(
    "/batch",
    {
      schema: {
        tags: ["chat"],
        summary: "Answer many questions concurrently ",
        description:
          `Up to ${opts.maxBatchQuestions} questions, at most ${opts.batchConcurrency} in flight at once. ` +
          "One failed question does not fail the others: each result says ok or error.",
        body: schemas.batchRequest,
        response: {
          200: schemas.batchResponse,
          400: schemas.error,
          401: schemas.error,
          413: schemas.error,
          429: schemas.error,
          500: schemas.error,
          503: schemas.error,
        },
      },
    },
    async (request, reply) => {
      const { questions } = request.body;
      const settled = await deps.agent.batchAsync(
        questions.map((question) => ({ question })),
        // Each item gets the same budget as a single chat turn (REQUEST_TIMEOUT_MS), not the provider's default.
        { concurrency: opts.batchConcurrency, signal: clientGoneSignal(reply.raw), timeoutMs: opts.requestTimeoutMs },
      );
      const results = settled.map((outcome, i) => {
        const question = questions[i] ?? "";
        if (outcome.status === "fulfilled") {
          return {
            question,
            status: "ok" as const,
            response: outcome.value.answer,
            confidence: outcome.value.confidence ?? null,
          };
        }
        const failure = toHttpFailure(outcome.reason, deps.secrets);
        request.log.warn({ err: outcome.reason, index: i }, "batch item failed");
        return { question, status: "error" as const, statusCode: failure.statusCode, detail: failure.detail };
      });
      const failed = results.filter((r) => r.status === "error").length;
      return { results, succeeded: results.length - failed, failed };
    },
  );
}
