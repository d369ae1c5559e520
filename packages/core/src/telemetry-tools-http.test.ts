// execute_tool spans of real tool loops (OpenAI provider over HTTP against the fake LLM server):
// one per call, children of the run's span, the tool's own spans nested inside, failures marked.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SpanStatusCode, trace } from "@opentelemetry/api";
import { startFakeLLMServerThread } from "@kaizen/testing";
import type { FakeLLMServerThread } from "@kaizen/testing";
import { z } from "zod";
import { MODES, failingTool, makeToolAgent, runIn } from "./__fixtures__/tools-harness.js";
import { registerTestSdk } from "./__fixtures__/otel-sdk.js";
import type { TestSdk } from "./__fixtures__/otel-sdk.js";
import { tool } from "./index.js";
import type { BaseAgent } from "./index.js";
import type { QASignature } from "./__fixtures__/local.js";

let server: FakeLLMServerThread;
let sdk: TestSdk;
const agents: BaseAgent<QASignature>[] = [];
beforeAll(async () => {
  sdk = registerTestSdk();
  server = await startFakeLLMServerThread();
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  await Promise.all([server.close(), sdk.shutdown()]);
});
beforeEach(async () => {
  sdk.reset();
  await server.resetScript();
});

// A tool that makes a span of its own, as an instrumented HTTP client inside it would.
const lookup = tool({
  name: "lookup",
  input: z.object({ key: z.string() }),
  execute: ({ key }) => trace.getTracer("app").startActiveSpan("db.query", (span) => (span.end(), `value of ${key}`)),
});

describe.each(MODES)("execute_tool spans in %s", (mode) => {
  it("one span per call under the run's span, with the tool's own span inside, and a failed call marked", async () => {
    await server.toolCalls([
      { name: "lookup", arguments: { key: "a" }, id: "call_span_a" },
      { name: "get_forecast", arguments: { city: "Oslo" }, id: "call_span_b" },
    ]);
    const made = makeToolAgent({ wire: "openai", server, tools: [lookup, failingTool()], sync: mode === "run" });
    agents.push(made);
    await runIn(mode, made, "Look it up");
    const spans = sdk.spans();
    const run = spans.find((s) => s.name.startsWith("invoke_agent "))!;
    const tools = spans.filter((s) => s.name.startsWith("execute_tool "));
    expect(tools.map((s) => s.name).sort()).toEqual(["execute_tool get_forecast", "execute_tool lookup"]);
    for (const span of tools) expect(span.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
    const ok = tools.find((s) => s.name === "execute_tool lookup")!;
    expect(ok.attributes).toMatchObject({
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "lookup",
      "gen_ai.tool.call.id": "call_span_a",
      "gen_ai.tool.type": "function",
      "kaizen.tool.status": "ok",
    });
    expect(ok.status.code).not.toBe(SpanStatusCode.ERROR);
    const inner = spans.find((s) => s.name === "db.query")!;
    expect(inner.parentSpanContext?.spanId).toBe(ok.spanContext().spanId);
    const failed = tools.find((s) => s.name === "execute_tool get_forecast")!;
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.attributes["error.type"]).toBe("error");
    expect(spans.filter((s) => s.name.startsWith("chat "))).toHaveLength(2);
  });
});
