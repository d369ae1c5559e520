import type { RouteContext } from "../route-context.js";

/** A fixed session id read (never written) by the readiness probe. */
const PROBE_SESSION = "kaizen-health-probe";
const READY_TIMEOUT_MS = 2000;

export function registerHealthRoutes({ app, deps, schemas }: RouteContext): void {
  const started = Date.now();
  const info = async () => ({
    status: "ok" as const,
    llm: deps.info.llm,
    model: deps.info.model,
    memory: deps.info.memory,
    uptimeSeconds: Math.round((Date.now() - started) / 1000),
  });
  app.get(
    "/health",
    {
      schema: {
        tags: ["ops"],
        summary: "Liveness, and which model and memory the app runs on",
        response: { 200: schemas.health },
      },
    },
    info,
  );
  app.get(
    "/health/live",
    {
      schema: {
        tags: ["ops"],
        summary: "Liveness probe: the process answers; touches no dependency, so it stays cheap under load",
        response: { 200: schemas.health },
      },
    },
    info,
  );
  app.get(
    "/health/ready",
    {
      schema: {
        tags: ["ops"],
        summary: "Readiness probe: 200 when session memory answers, 503 when it does not",
        response: { 200: schemas.readiness, 503: schemas.readiness },
      },
    },
    async (request, reply) => {
      if (!deps.memory) return { status: "ok" as const, checks: { memory: "none" as const } };
      try {
        await deps.memory.loadAsync(PROBE_SESSION, { maxTurns: 1, signal: AbortSignal.timeout(READY_TIMEOUT_MS) });
        return { status: "ok" as const, checks: { memory: "ok" as const } };
      } catch (err) {
        request.log.warn({ err }, "readiness: session memory unavailable");
        return reply.code(503).send({ status: "unavailable", checks: { memory: "unavailable" } });
      }
    },
  );
}
