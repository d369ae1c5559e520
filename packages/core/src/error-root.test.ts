// One error root: whatever package throws, `instanceof KaizenError` and `isKaizenError` catch it,
// with a stable `code`. Errors come from real calls: bad input (signatures), a bad session id
// (memory), a 401 over HTTP from the fake LLM server (providers), a bad config (core).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BufferMemory } from "@kaizen/memory";
import { startFakeLLMServer } from "@kaizen/testing";
import type { FakeLLMServer } from "@kaizen/testing";
import { QASignature } from "./__fixtures__/local.js";
import { BaseAgent, BaseAgentConfig, KaizenError, isKaizenError } from "./index.js";

let server: FakeLLMServer;
let agent: BaseAgent<QASignature>;
beforeAll(async () => {
  server = await startFakeLLMServer();
  const config = new BaseAgentConfig({
    model: "gpt-4o-mini",
    apiKey: "sk-fake-error-root-0001",
    baseUrl: server.openaiBaseUrl,
    useAsyncLlm: true,
    maxRetries: 0,
  });
  agent = new BaseAgent({ config, signature: new QASignature(), memory: new BufferMemory() });
});
afterAll(async () => {
  await agent.close();
  await server.close();
});

async function caught(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("every package's errors share the KaizenError root", () => {
  it.each([
    ["bad input (signatures)", () => agent.runAsync({ question: 42 } as never), "input_validation_error"],
    [
      "bad session id (memory)",
      () => agent.runAsync({ question: "hi" }, { sessionId: "bad id with spaces" }),
      "invalid_session_id",
    ],
    ["an unknown config field (core)", () => new BaseAgentConfig({ modle: "gpt-4o" } as never), "configuration_error"],
    [
      "a 401 over HTTP (providers)",
      () => {
        server.fault({ type: "auth" });
        return agent.runAsync({ question: "hi" });
      },
      "authentication_error",
    ],
  ])("%s", async (_what, run, code) => {
    const error = await caught(run);
    expect(error).toBeInstanceOf(KaizenError);
    expect(isKaizenError(error)).toBe(true);
    expect((error as KaizenError).code).toBe(code);
  });

  it("isKaizenError and instanceof hold across copies of the class (the brand is Symbol.for)", () => {
    const foreign = Object.assign(new Error("from another copy"), { code: "x" });
    Object.defineProperty(foreign, Symbol.for("@kaizen/contracts.KaizenError"), { value: true });
    expect(isKaizenError(foreign)).toBe(true);
    expect(foreign).toBeInstanceOf(KaizenError);
    expect(isKaizenError(new Error("plain"))).toBe(false);
    expect(new Error("plain")).not.toBeInstanceOf(KaizenError);
  });
});
