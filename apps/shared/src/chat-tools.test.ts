// The runtime's tool agent over real HTTP (the OpenAI client against the fake LLM server): the
// built-in tools run with the model's arguments, their results and refusals go back under the
// call ids, and the watch announces each call before it runs.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getRunInfo } from "@kaizen/core";
import { startFakeLLMServer, toolResultsOf, type FakeLLMServer } from "@kaizen/testing";
import { builtinTools } from "./chat-tools.js";
import { createQARuntime, type QARuntime } from "./runtime.js";
import type { WatchedToolCall } from "./tool-call-watch.js";

let server: FakeLLMServer;
let runtime: QARuntime;
beforeAll(async () => {
  server = await startFakeLLMServer();
  runtime = await createQARuntime({
    env: { OPENAI_API_KEY: "sk-test-shared-tools-000000000000", OPENAI_BASE_URL: server.openaiBaseUrl },
    useAsyncLlm: true,
    tools: true,
    maxRetries: 0,
  });
});
afterAll(async () => {
  await runtime?.close();
  await server?.close();
});
beforeEach(() => {
  server.resetScript();
  server.clearRequests();
});
const chats = () => server.requests.filter((r) => r.path.endsWith("/chat/completions"));

describe("the runtime's tool agent", () => {
  it("is built only when asked for", async () => {
    const plain = await createQARuntime({
      env: { OPENAI_API_KEY: "sk-x", OPENAI_BASE_URL: server.openaiBaseUrl },
      useAsyncLlm: true,
    });
    expect(plain.toolAgent).toBeUndefined();
    await plain.close();
    expect(builtinTools.map((t) => t.name)).toEqual(["calculator", "current_time"]);
  });

  it("offers both tools, runs the calculator and current_time, and sends their results back under the call ids", async () => {
    server.toolCalls([
      { name: "calculator", arguments: { expression: "(17 + 4) * 3" }, id: "call_calc" },
      { name: "current_time", arguments: { timeZone: "Europe/Paris" }, id: "call_time" },
    ]);
    const result = await runtime.toolAgent!.runAsync({ question: "What is (17 + 4) * 3, and what time is it in Paris?" });
    expect(typeof result.answer).toBe("string");
    const [first, second] = chats();
    const offered = (first!.body as { tools: Array<{ function: { name: string } }> }).tools.map((t) => t.function.name);
    expect(offered).toEqual(["calculator", "current_time"]);
    const results = toolResultsOf(second!);
    expect(results.map((r) => r.toolCallId)).toEqual(["call_calc", "call_time"]);
    expect(JSON.parse(results[0]!.content)).toEqual({ expression: "(17 + 4) * 3", result: 63 });
    expect(JSON.parse(results[1]!.content)).toMatchObject({
      timeZone: "Europe/Paris",
      utcOffset: expect.stringMatching(/^\+0[12]:00$/),
    });
    expect(getRunInfo(result)!.steps[0]!.toolCalls.map((c) => c.status)).toEqual(["ok", "ok"]);
  });

  it("sends a refused expression and an unknown zone back to the model as errors", async () => {
    server.toolCalls([
      { name: "calculator", arguments: { expression: "process.exit(1)" }, id: "call_bad" },
      { name: "current_time", arguments: { timeZone: "Mars/Base" }, id: "call_zone" },
    ]);
    const result = await runtime.toolAgent!.runAsync({ question: "Break things" });
    const results = toolResultsOf(chats()[1]!);
    expect(results[0]).toMatchObject({ toolCallId: "call_bad", content: expect.stringMatching(/unexpected character "\."/) });
    expect(results[1]).toMatchObject({ toolCallId: "call_zone", content: expect.stringMatching(/not an IANA time zone/) });
    expect(getRunInfo(result)!.steps[0]!.toolCalls.map((c) => c.status)).toEqual(["error", "error"]);
  });

  it("the watch announces a watched call with its arguments before it runs, once, and forgets it", async () => {
    server.toolCalls([{ name: "calculator", arguments: { expression: "6 * 7" }, id: "call_watched" }]);
    const seen: WatchedToolCall[] = [];
    runtime.toolCalls.watch("call_watched", (call) => seen.push(call));
    const stop = runtime.toolCalls.watch("call_never", () => seen.push({ step: 0, id: "never", name: "", input: null }));
    await runtime.toolAgent!.runAsync({ question: "6 * 7?" });
    expect(seen).toEqual([{ step: 1, id: "call_watched", name: "calculator", input: { expression: "6 * 7" } }]);
    expect(runtime.toolCalls.size).toBe(1);
    stop();
    expect(runtime.toolCalls.size).toBe(0);
  });
});
