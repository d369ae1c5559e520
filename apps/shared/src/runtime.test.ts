import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startFakeLLMServer } from "@kaizen/testing";
import { memoryFromEnv } from "./memory-from-env.js";
import { createQARuntime } from "./runtime.js";

const dir = mkdtempSync(join(tmpdir(), "kaizen-app-runtime-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("createQARuntime", () => {
  it("with no key starts the fake LLM server, says so, and answers the seed's question", async () => {
    const runtime = await createQARuntime({ env: {}, useAsyncLlm: true, memory: { sqlitePath: join(dir, "a", "chat.db") } });
    try {
      expect(runtime.llm.kind).toBe("fake");
      expect(runtime.description).toContain("FAKE LLM server");
      expect(runtime.description).toContain("SQLite");
      const result = await runtime.agent.runAsync({ question: "What is 2+2?" });
      expect(result.answer).toContain("4");
      expect(result.confidence).toBeGreaterThanOrEqual(0);
      expect(result.confidence).toBeLessThanOrEqual(1);
    } finally {
      await runtime.close();
    }
  });

  it("with OPENAI_API_KEY and OPENAI_BASE_URL talks to that endpoint, and never lists the key in its description", async () => {
    const server = await startFakeLLMServer();
    const key = "sk-runtime-test-0123456789abcdef";
    const runtime = await createQARuntime({
      env: { OPENAI_API_KEY: key, OPENAI_BASE_URL: server.openaiBaseUrl, MODEL: "gpt-4o" },
      useAsyncLlm: true,
    });
    try {
      expect(runtime.llm).toMatchObject({ kind: "openai", model: "gpt-4o" });
      expect(runtime.description).not.toContain(key);
      expect(runtime.secrets).toContain(key);
      await runtime.agent.runAsync({ question: "What is 3+3?" });
      expect(server.requests.some((r) => r.path === "/v1/chat/completions")).toBe(true);
    } finally {
      await runtime.close();
      await server.close();
    }
  });

  it("the blocking run() works on the fake server when it lives on its own thread", async () => {
    const runtime = await createQARuntime({ env: {}, useAsyncLlm: false, fake: { inWorker: true } });
    try {
      expect(runtime.agent.run({ question: "What is 9-4?" }).answer).toContain("5");
    } finally {
      await runtime.close();
    }
  });
});

describe("memoryFromEnv", () => {
  it("is SQLite by default, Redis with REDIS_URL, Postgres with DATABASE_URL", async () => {
    const sqlite = memoryFromEnv({}, { sqlitePath: join(dir, "m", "x.db") });
    const redis = memoryFromEnv({ REDIS_URL: "redis://127.0.0.1:6379" }, { sqlitePath: "unused", namespace: `t${randomUUID()}` });
    const postgres = memoryFromEnv({ DATABASE_URL: "postgres://postgres@127.0.0.1:5432/test" }, { sqlitePath: "unused" });
    try {
      expect([sqlite.memory.kind, redis.memory.kind, postgres.memory.kind]).toEqual(["sqlite", "redis", "postgres"]);
      expect(postgres.description).not.toContain("postgres@");
      // Each really stores: append a turn and read it back.
      for (const { memory } of [sqlite, redis, postgres]) {
        const session = `s-${randomUUID()}`;
        await memory.appendAsync(session, { inputs: { question: "q" }, outputs: { answer: "a" } });
        expect((await memory.loadAsync(session)).turns).toHaveLength(1);
        await memory.clearAsync(session);
      }
    } finally {
      await sqlite.memory.close();
      await redis.memory.close();
      await postgres.memory.close();
    }
  });
});
