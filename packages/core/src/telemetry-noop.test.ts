// With no OpenTelemetry SDK registered the agent runs exactly as before: every span is a no-op.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trace } from "@opentelemetry/api";
import { startFakeLLMServerThread } from "@kaizen/testing";
import type { FakeLLMServerThread } from "@kaizen/testing";
import { QASignature } from "./__fixtures__/local.js";
import { BaseAgent, BaseAgentConfig, getRunInfo } from "./index.js";

let thread: FakeLLMServerThread;
beforeAll(async () => {
  trace.disable();
  thread = await startFakeLLMServerThread();
});
afterAll(() => thread.close());

describe("no OpenTelemetry SDK registered", () => {
  it("run(), runAsync() and streamAsync() return their validated results", async () => {
    expect(trace.getTracer("probe").startSpan("probe").isRecording()).toBe(false);
    const make = (useAsyncLlm: boolean) =>
      new BaseAgent({
        config: new BaseAgentConfig({
          model: "gpt-4o-mini",
          apiKey: "sk-fake-noop-0001",
          baseUrl: thread.openaiBaseUrl,
          useAsyncLlm,
        }),
        signature: new QASignature(),
      });
    const [blocking, async] = [make(false), make(true)];
    try {
      const viaRun = blocking.run({ question: "What is 2+2?" });
      const viaRunAsync = await async.runAsync({ question: "What is 2+2?" });
      expect(viaRun).toEqual(viaRunAsync);
      expect(viaRun.answer).toContain("4");
      expect(getRunInfo(viaRunAsync)).toMatchObject({ attempts: 1, mode: "async" });
      const streamed = await async.streamAsync({ question: "What is 2+2?" }).result;
      expect(streamed).toEqual(viaRunAsync);
    } finally {
      await Promise.all([blocking.close(), async.close()]);
    }
  });
});
