import type { RouteContext } from "../app.js";

export function registerHealthRoutes({ app, deps, schemas }: RouteContext): void {
  const started = Date.now();
  app.get(
    "/health",
    {
      schema: {
        tags: ["ops"],
        summary: "Liveness, and which model and memory the app runs on",
        response: { 200: schemas.health },
      },
    },
    async () => ({
      status: "ok" as const,
      llm: deps.info.llm,
      model: deps.info.model,
      memory: deps.info.memory,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
    }),
  );
}
