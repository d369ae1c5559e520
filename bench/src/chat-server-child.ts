// The chat API under load: a Fastify app (the framework of apps/chat-api) with the seed's chat
// route and a health route. Started in one of two modes over the same agent code: "async"
// awaits agent.runAsync(); "sync" calls the blocking agent.run() inside the handler, the mistake
// the seed warns about. /health shows what the blocking does to everything else on the server.
// A third mode, "raw", is the bare handler the real chat API is measured against: the raw SDK with
// the chat API's own request body (raw-chat-handler.ts; the captured body comes as a third argument).
import Fastify from "fastify";
import { createAgent } from "./agent.js";
import { reportFatal, send } from "./child-process.js";
import { createRawClient } from "./raw-openai.js";
import { answer, bodyBuilder } from "./raw-chat-handler.js";

async function main(): Promise<void> {
  const [mode, llmBaseUrl, template] = process.argv.slice(2);
  if ((mode !== "async" && mode !== "sync" && mode !== "raw") || !llmBaseUrl || (mode === "raw" && !template)) {
    throw new Error("usage: chat-server-child <async|sync|raw> <openaiBaseUrl> [captured request body, for raw]");
  }
  const app = Fastify({ logger: false });
  app.get("/health", async () => ({ ok: true }));
  if (mode === "raw") {
    const client = createRawClient(llmBaseUrl);
    const build = bodyBuilder(JSON.parse(template as string));
    app.post("/api/chat", async (request, reply) => {
      const body = request.body as { message?: unknown } | undefined;
      if (typeof body?.message !== "string") return reply.code(400).send({ error: "body.message must be a string" });
      return answer(client, build, body.message);
    });
    await listen(app, () => undefined);
    return;
  }
  const agent = createAgent(llmBaseUrl, mode === "async");
  app.post("/api/chat", async (request, reply) => {
    const body = request.body as { message?: unknown } | undefined;
    if (typeof body?.message !== "string") return reply.code(400).send({ error: "body.message must be a string" });
    const result = mode === "async" ? await agent.runAsync({ question: body.message }) : agent.run({ question: body.message });
    return { response: result.answer, confidence: result.confidence };
  });
  await listen(app, () => agent.close());
}

async function listen(app: ReturnType<typeof Fastify>, close: () => Promise<void> | void): Promise<void> {
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === "string") throw new Error("the chat server has no TCP address");

  process.on("disconnect", () => {
    void app
      .close()
      .then(close)
      .finally(() => process.exit(0));
  });
  send({ type: "ready", url: `http://127.0.0.1:${address.port}` });
}

main().catch(reportFatal);
