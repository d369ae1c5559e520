// run() blocks its thread until the answer comes: a server on that same thread can never answer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLLMServer } from "@kaizen/testing";
import type { FakeLLMServer } from "@kaizen/testing";
import { QASignature } from "./__fixtures__/local.js";
import { BaseAgent, BaseAgentConfig, TimeoutError } from "./index.js";

let server: FakeLLMServer;
let agent: BaseAgent<QASignature>;
beforeAll(async () => {
  server = await startFakeLLMServer();
  const config = new BaseAgentConfig({
    llmProvider: "openai",
    model: "gpt-4o-mini",
    apiKey: "sk-fake-same-thread-0001",
    baseUrl: server.openaiBaseUrl,
    timeoutMs: 1500,
    maxRetries: 0,
  });
  agent = new BaseAgent({ config, signature: new QASignature() });
});
afterAll(async () => {
  await agent.close();
  await server.close();
});

describe("run() against a server on the same thread", () => {
  it("times out naming the likely cause and the fix, not only 'raise timeoutMs'", () => {
    let caught: unknown;
    try {
      agent.run({ question: "What is 2+2?" });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TimeoutError);
    const message = (caught as Error).message;
    expect(message).toContain("runs on the thread that called run()");
    expect(message).toContain("Fix: call runAsync() instead");
    expect(message).toContain("startFakeLLMServerThread()");
    expect(message).not.toContain("Raise timeoutMs if the provider is slow");
  });
});
