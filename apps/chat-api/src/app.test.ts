import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BaseAgent, BaseAgentConfig } from "@kaizen/core";
import { BufferMemory } from "@kaizen/memory";
import { QASignature } from "@kaizen/app-shared";
import type { RecordedRequest } from "@kaizen/testing";
import { buildApp } from "./app.js";
import { startTestApp, TEST_API_KEY, type TestApp } from "./test-support/harness.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ app: { bodyLimitBytes: 4096, maxBatchQuestions: 5, maxMessageChars: 500 } });
});
afterAll(async () => {
  await t?.close();
});

const post = (url: string, payload: unknown) => t.app.inject({ method: "POST", url, payload: payload as object });
const session = () => `test-${randomUUID()}`;

describe("POST /api/chat", () => {
  it("answers the seed's question with a response and a confidence", async () => {
    const res = await post("/api/chat", { message: "What is 2+2?" });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ response: string; confidence: number }>();
    expect(body.response).toContain("4");
    expect(body.confidence).toBeGreaterThanOrEqual(0);
    expect(body.confidence).toBeLessThanOrEqual(1);
    expect(Object.keys(body).sort()).toEqual(["confidence", "response"]);
  });

  it("remembers the conversation across two calls with the same sessionId", async () => {
    const sessionId = session();
    expect((await post("/api/chat", { message: "My favourite colour is teal.", sessionId })).statusCode).toBe(200);
    t.fake.clearRequests();
    const second = await post("/api/chat", { message: "What is 3+4?", sessionId });
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ sessionId });
    // The earlier turn travelled to the model with the second question.
    const sent = JSON.stringify(t.fake.requests.at(-1)?.body);
    expect(sent).toContain("My favourite colour is teal.");
    expect(sent).toContain("What is 3+4?");
  });

  it("keeps sessions apart", async () => {
    const a = session();
    await post("/api/chat", { message: "Secret of session A: pineapple", sessionId: a });
    t.fake.clearRequests();
    await post("/api/chat", { message: "What is 1+1?", sessionId: session() });
    expect(JSON.stringify(t.fake.requests.at(-1)?.body)).not.toContain("pineapple");
  });
});

describe("POST /api/chat/:sessionId and GET /api/chat/:sessionId/history", () => {
  it("answers within the session and lists its turns, oldest first", async () => {
    const sessionId = session();
    const first = await post(`/api/chat/${sessionId}`, { message: "What is 2+2?" });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ sessionId });
    await post(`/api/chat/${sessionId}`, { message: "What is 10*3?" });
    const history = await t.app.inject({ method: "GET", url: `/api/chat/${sessionId}/history` });
    expect(history.statusCode).toBe(200);
    const { turns } = history.json<{
      turns: Array<{ question: string; response: string; confidence: number; createdAt: string }>;
    }>();
    expect(turns.map((turn) => turn.question)).toEqual(["What is 2+2?", "What is 10*3?"]);
    expect(turns[0]?.response).toContain("4");
    expect(turns[1]?.response).toContain("30");
    expect(typeof turns[0]?.confidence).toBe("number");
    expect(Number.isNaN(Date.parse(turns[0]?.createdAt ?? ""))).toBe(false);
  });

  it("returns an empty history for a session never used", async () => {
    const res = await t.app.inject({ method: "GET", url: `/api/chat/${session()}/history` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ turns: [] });
  });
});

describe("bad requests", () => {
  it("400 names the missing field", async () => {
    const res = await post("/api/chat", {});
    expect(res.statusCode).toBe(400);
    expect(res.json<{ detail: string }>().detail).toMatch(/^Invalid request body: body\.message: /);
  });

  it("400 names a field of the wrong type", async () => {
    const res = await post("/api/chat", { message: 42 });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ detail: string }>().detail).toContain("body.message");
  });

  it("400 for an empty message and for a message over the limit", async () => {
    expect((await post("/api/chat", { message: "   " })).json<{ detail: string }>().detail).toContain(
      "body.message: must not be empty",
    );
    const long = await post("/api/chat", { message: "x".repeat(501) });
    expect(long.statusCode).toBe(400);
    expect(long.json<{ detail: string }>().detail).toContain("at most 500 characters");
  });

  it("400 names a bad sessionId, in the body and in the path", async () => {
    const inBody = await post("/api/chat", { message: "hi", sessionId: "has spaces!" });
    expect(inBody.statusCode).toBe(400);
    expect(inBody.json<{ detail: string }>().detail).toContain("body.sessionId");
    const inPath = await post("/api/chat/bad%20id", { message: "hi" });
    expect(inPath.statusCode).toBe(400);
    expect(inPath.json<{ detail: string }>().detail).toContain("params.sessionId");
  });

  it("400 for JSON that does not parse", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/chat",
      headers: { "content-type": "application/json" },
      payload: '{"message": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ detail: string }>().detail).toMatch(/^Bad request: /);
  });

  it("413 for a body over the size limit, saying the limit", async () => {
    const res = await post("/batch", { questions: ["y".repeat(5000)] });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ detail: "Request body too large: the limit is 4096 bytes." });
    // The routes that take an image allow the image's size in base64 on top, and say their own limit.
    const chat = await post("/api/chat", { message: "y".repeat(5000) });
    expect(chat.statusCode).toBe(400);
    const huge = await post("/api/chat", { message: "hi", image: `data:image/png;base64,${"A".repeat(8 * 1024 * 1024)}` });
    expect(huge.statusCode).toBe(413);
    expect(huge.json<{ detail: string }>().detail).toMatch(/^Request body too large: the limit is \d{7,} bytes\.$/);
  });

  it("404 in the same { detail } shape", async () => {
    const res = await t.app.inject({ method: "GET", url: "/nope" });
    expect(res.statusCode).toBe(404);
    expect(res.json<{ detail: string }>().detail).toContain("GET /nope");
  });
});

describe("error mapping (the seed's)", () => {
  it("a provider failure is 503 Service error, without the key or a stack", async () => {
    t.fake.fault({ type: "auth" });
    const res = await post("/api/chat", { message: "What is 2+2?" });
    expect(res.statusCode).toBe(503);
    const { detail } = res.json<{ detail: string }>();
    expect(detail).toMatch(/^Service error: /);
    expect(res.body).not.toContain(TEST_API_KEY);
    expect(res.body).not.toMatch(/\n\s+at /);
    expect(t.logs()).not.toContain(TEST_API_KEY);
  });

  it("a server error from the provider is 503 too", async () => {
    t.fake.fault({ type: "server_error", status: 502 });
    const res = await post("/api/chat", { message: "What is 2+2?" });
    expect(res.statusCode).toBe(503);
    expect(res.json<{ detail: string }>().detail).toMatch(/^Service error: /);
  });

  it("an agent not configured for async is 500 Configuration error with the seed's message", async () => {
    const config = new BaseAgentConfig({
      llmProvider: "openai",
      model: "gpt-4o-mini",
      apiKey: TEST_API_KEY,
      baseUrl: t.fake.openaiBaseUrl,
    });
    const agent = new BaseAgent({ config, signature: new QASignature() });
    const app = await buildApp({
      agent,
      memory: undefined,
      info: { llm: "openai", model: "gpt-4o-mini", memory: "none" },
      secrets: [TEST_API_KEY],
    });
    try {
      const res = await app.inject({ method: "POST", url: "/api/chat", payload: { message: "Hello" } });
      expect(res.statusCode).toBe(500);
      expect(res.json<{ detail: string }>().detail).toMatch(/^Configuration error: Agent not configured for async mode\./);
    } finally {
      await app.close();
      await agent.close();
    }
  });

  it("anything else is 500 Internal error, message only", async () => {
    const memory = new BufferMemory();
    memory.loadAsync = async () => {
      throw new Error("disk on fire");
    };
    const app = await buildApp({
      agent: t.runtime.agent,
      memory,
      info: { llm: "openai", model: "m", memory: "buffer" },
      secrets: [],
    });
    try {
      const res = await app.inject({ method: "GET", url: "/api/chat/s1/history" });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({ detail: "Internal error: disk on fire" });
    } finally {
      await app.close();
    }
  });
});

describe("POST /batch", () => {
  it("answers every question, in order", async () => {
    const questions = ["What is 2+2?", "What is 3*3?", "What is 10-4?"];
    const res = await post("/batch", { questions });
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      results: Array<{ question: string; status: string; response: string }>;
      succeeded: number;
      failed: number;
    }>();
    expect(body.results.map((r) => r.question)).toEqual(questions);
    expect(body.results.map((r) => r.status)).toEqual(["ok", "ok", "ok"]);
    expect(body.results[0]?.response).toContain("4");
    expect(body.results[1]?.response).toContain("9");
    expect(body.results[2]?.response).toContain("6");
    expect(body).toMatchObject({ succeeded: 3, failed: 0 });
  });

  it("reports a failed question in place without failing the others", async () => {
    t.fake.fault({ type: "auth" }, { match: (req: RecordedRequest) => JSON.stringify(req.body).includes("FAIL-ME") });
    const res = await post("/batch", { questions: ["What is 1+1?", "FAIL-ME please", "What is 2+3?"] });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ results: Array<Record<string, unknown>>; failed: number }>();
    expect(body.failed).toBe(1);
    expect(body.results[0]).toMatchObject({ status: "ok" });
    expect(body.results[1]).toMatchObject({ status: "error", statusCode: 503, question: "FAIL-ME please" });
    expect(String(body.results[1]?.["detail"])).toMatch(/^Service error: /);
    expect(body.results[2]).toMatchObject({ status: "ok" });
  });

  it("400 over the batch size limit, naming the field and the limit", async () => {
    const res = await post("/batch", { questions: ["a", "b", "c", "d", "e", "f"] });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ detail: string }>().detail).toContain("body.questions: must hold at most 5 questions");
  });

  it("400 for an empty list and for a non-string item", async () => {
    expect((await post("/batch", { questions: [] })).statusCode).toBe(400);
    const res = await post("/batch", { questions: ["ok", 7] });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ detail: string }>().detail).toContain("body.questions.1");
  });
});

describe("health, docs and the page", () => {
  it("GET /health says which LLM and memory the app runs on", async () => {
    const res = await t.app.inject({ method: "GET", url: "/health" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: "ok", llm: "openai", model: "gpt-4o-mini", memory: "sqlite" });
  });

  it("serves OpenAPI JSON generated from the zod schemas, and Swagger UI at /docs", async () => {
    const spec = await t.app.inject({ method: "GET", url: "/openapi.json" });
    expect(spec.statusCode).toBe(200);
    const doc = spec.json<{ openapi: string; paths: Record<string, Record<string, { requestBody?: unknown }>> }>();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/chat",
        "/api/chat/{sessionId}",
        "/api/chat/{sessionId}/history",
        "/api/chat/stream",
        "/batch",
        "/health",
      ]),
    );
    expect(JSON.stringify(doc.paths["/api/chat"]?.["post"]?.requestBody)).toContain('"message"');
    expect((await t.app.inject({ method: "GET", url: "/docs/json" })).json()).toMatchObject({ openapi: doc.openapi });
    const ui = await t.app.inject({ method: "GET", url: "/docs/" });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers["content-type"]).toContain("text/html");
  });

  it("serves the chat page at /", async () => {
    const res = await t.app.inject({ method: "GET", url: "/" });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("<title>Kaizen chat</title>");
    expect((await t.app.inject({ method: "GET", url: "/app.js" })).statusCode).toBe(200);
  });
});
