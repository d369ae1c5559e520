import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { createQARuntime, type QARuntime } from "@kaizen/app-shared";
import { startFakeLLMServer, type FakeLLMServer, type FakeLLMServerOptions } from "@kaizen/testing";
import { buildApp, type AppOptions, type BuiltApp } from "../app.js";
import { loggerOptions } from "../logger.js";

/** Looks like a real key so that a leak would be caught by redaction checks and by the tests. */
export const TEST_API_KEY = "sk-test-chatapi-0123456789abcdefghij";

export interface TestApp {
  app: BuiltApp;
  fake: FakeLLMServer;
  runtime: QARuntime;
  /** Every log line the app wrote, as text. */
  logs: () => string;
  close(): Promise<void>;
}

/**
 * The real app on the real agent, provider and SQLite memory, talking over HTTP to the fake LLM
 * server through the real OpenAI client: what main.ts builds, with a temporary database.
 */
export async function startTestApp(
  options: {
    fake?: FakeLLMServerOptions;
    app?: Partial<AppOptions>;
    env?: Record<string, string>;
    runtime?: { memoryMaxTokens?: number };
  } = {},
): Promise<TestApp> {
  const fake = await startFakeLLMServer(options.fake);
  const dir = mkdtempSync(join(tmpdir(), "kaizen-chat-api-"));
  const runtime = await createQARuntime({
    env: { OPENAI_API_KEY: TEST_API_KEY, OPENAI_BASE_URL: fake.openaiBaseUrl, ...options.env },
    useAsyncLlm: true,
    tools: true,
    memory: { sqlitePath: join(dir, "chat.db"), namespace: "chat-test" },
    maxRetries: 0,
    ...options.runtime,
  });
  const lines: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString("utf8"));
      done();
    },
  });
  const app = await buildApp(
    {
      agent: runtime.agent,
      tools: runtime.toolAgent && { agent: runtime.toolAgent, watch: runtime.toolCalls },
      memory: runtime.memory,
      info: { llm: runtime.llm.kind, model: runtime.llm.model, memory: runtime.memory?.kind ?? "none" },
      secrets: runtime.secrets,
    },
    { logger: loggerOptions("info", runtime.secrets, logStream), ...options.app },
  );
  return {
    app,
    fake,
    runtime,
    logs: () => lines.join(""),
    async close() {
      await app.close();
      await runtime.close();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Parses a text/event-stream body into its events. */
export function parseSse(text: string): Array<{ event: string; data: unknown }> {
  const events: Array<{ event: string; data: unknown }> = [];
  for (const block of text.split("\n\n")) {
    if (!block.trim()) continue;
    let event = "message";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
    }
    events.push({ event, data: JSON.parse(data.join("\n")) as unknown });
  }
  return events;
}
