// The chat API under load: a Fastify app (the framework of apps/chat-api) with the seed's chat
// route and a health route. Started in one of two modes over the same agent code: "async"
// awaits agent.runAsync(); "sync" calls the blocking agent.run() inside the handler, the mistake
// the seed warns about. /health shows what the blocking does to everything else on the server.
import Fastify from "fastify";
import { createAgent } from "./agent.js";
import { reportFatal, send } from "./child-process.js";

async function main(): Promise<void> {
  const [mode, llmBaseUrl] = process.argv.slice(2);
  if ((mode !== "async" && mode !== "sync") || !llmBaseUrl) {
    throw new Error("usage: chat-server-child <async|sync> <openaiBaseUrl>");
  }
  const agent = createAgent(llmBaseUrl, mode === "async");
  const app = Fastify({ logger: false });
  app.get("/health", async () => ({ ok: true }));
  app.post("/api/chat", async (request, reply) => {
    const body = request.body as { message?: unknown } | undefined;
    if (typeof body?.message !== "string") return reply.code(400).send({ error: "body.message must be a string" });
    const result = mode === "async" ? await agent.runAsync({ question: body.message }) : agent.run({ question: body.message });
    return { response: result.answer, confidence: result.confidence };
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === "string") throw new Error("the chat server has no TCP address");

  process.on("disconnect", () => {
    void app
      .close()
      .then(() => agent.close())
      .finally(() => process.exit(0));
  });
  send({ type: "ready", url: `http://127.0.0.1:${address.port}` });
}

main().catch(reportFatal);
