// The tool loop's edges over real HTTP (real SDK clients, fake LLM server): typed stream events
// beside the partial-object iteration, toolTimeoutMs, abort reaching a running tool, hooks, and
// an async execute in run().
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeLLMServerThread, toolResultsOf } from "@kaizen/testing";
import type { FakeLLMServerThread } from "@kaizen/testing";
import { z } from "zod";
import { WIRES, failureOf, isChat, makeToolAgent, weatherTool } from "./__fixtures__/tools-harness.js";
import type { AgentSetup } from "./__fixtures__/tools-harness.js";
import { BufferMemory } from "@kaizen/memory";
import { AbortError, ConfigurationError, getRunInfo, tool } from "./index.js";
import type { AgentStreamEvent, BaseAgent, ToolCallEvent, ToolResultEvent } from "./index.js";
import type { QASignature } from "./__fixtures__/local.js";

let server: FakeLLMServerThread;
const agents: BaseAgent<QASignature>[] = [];
beforeAll(async () => {
  server = await startFakeLLMServerThread();
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  await server.close();
});
beforeEach(async () => {
  await server.resetScript();
  await server.clearRequests();
});

const agent = (setup: Omit<AgentSetup, "server">) => {
  const made = makeToolAgent({ server, ...setup });
  agents.push(made);
  return made;
};

describe.each(WIRES)("streamAsync events on the %s wire", (wire) => {
  it("yields the tool call as it is written, its result, the partial outputs, then the final value", async () => {
    await server.toolCalls([{ name: "get_weather", arguments: { city: "Paris" }, id: "call_s1" }]);
    const stream = agent({ wire, tools: [weatherTool()] }).streamAsync({ question: "Paris weather?" });
    const events: AgentStreamEvent<{ answer: string; confidence: number }>[] = [];
    for await (const event of stream.events()) events.push(event);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe("tool-call-start");
    expect(events[0]).toMatchObject({ step: 1, index: 0, id: "call_s1", name: "get_weather" });
    const args = events.map((e) => (e.type === "tool-call-delta" ? e.delta : "")).join("");
    expect(JSON.parse(args)).toEqual({ city: "Paris" });
    const result = events.find((e) => e.type === "tool-result");
    expect(result).toMatchObject({ step: 1, call: { id: "call_s1", status: "ok", output: { city: "Paris", tempC: 21 } } });
    expect(types.indexOf("tool-result")).toBeLessThan(types.indexOf("partial-output"));
    expect(events.filter((e) => e.type === "partial-output").every((e) => e.step === 2)).toBe(true);
    expect(types.at(-1)).toBe("final");
    const final = events.at(-1);
    expect(final?.type === "final" && final.output).toBe(await stream.result);
  });

  it("the plain iteration still yields only partial outputs and the final result", async () => {
    await server.toolCalls([{ name: "get_weather", arguments: { city: "Rome" } }]);
    const stream = agent({ wire, tools: [weatherTool()] }).streamAsync({ question: "Rome weather?" });
    const values: unknown[] = [];
    for await (const partial of stream) values.push(partial);
    const result = await stream.result;
    expect(values.at(-1)).toBe(result);
    expect(values.length).toBeGreaterThan(1);
    for (const value of values) expect(typeof value).toBe("object");
    expect(getRunInfo(result)?.toolCycles).toBe(1);
  });
});

describe("tool time limits and abort", () => {
  it("a call past toolTimeoutMs is cancelled through its signal and reported to the model as timed out", async () => {
    let sawAbort = false;
    const hang = tool({
      name: "hang",
      input: z.object({}),
      execute: (_input, { signal }) =>
        new Promise((resolve) => {
          signal.addEventListener("abort", () => {
            sawAbort = true;
            resolve("late");
          });
        }),
    });
    await server.toolCalls([{ name: "hang", arguments: {}, id: "call_hang" }]);
    const result = await agent({ wire: "openai", tools: [hang], config: { toolTimeoutMs: 80 } }).runAsync({ question: "Hang" });
    expect(sawAbort).toBe(true);
    const call = getRunInfo(result)!.steps[0]!.toolCalls[0]!;
    expect(call.status).toBe("timeout");
    const [sent] = toolResultsOf((await server.requests()).filter(isChat)[1]!);
    expect(sent).toMatchObject({ toolCallId: "call_hang" });
    expect(sent!.content).toMatch(/toolTimeoutMs \(80 ms\)/);
  });

  it("aborting the run reaches the running tool's signal and ends the run with an AbortError", async () => {
    let toolSignal: AbortSignal | undefined;
    let markStarted!: () => void;
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    const wait = tool({
      name: "wait",
      input: z.object({}),
      execute: (_input, { signal }) => {
        toolSignal = signal;
        markStarted();
        return new Promise((resolve) => setTimeout(resolve, 5_000, "done"));
      },
    });
    await server.toolCalls([{ name: "wait", arguments: {} }]);
    const controller = new AbortController();
    const run = agent({ wire: "openai", tools: [wait] }).runAsync({ question: "Wait" }, { signal: controller.signal });
    await started;
    controller.abort();
    await expect(run).rejects.toBeInstanceOf(AbortError);
    expect(toolSignal?.aborted).toBe(true);
  });
});

describe("tool hooks", () => {
  it("onToolCall sees each call before it runs, onToolResult each result", async () => {
    const order: string[] = [];
    const calls: ToolCallEvent[] = [];
    const results: ToolResultEvent[] = [];
    const seen: unknown[] = [];
    const hooked = agent({
      wire: "openai",
      tools: [weatherTool(seen)],
      hooks: {
        onToolCall: (e) => {
          order.push(`call:${e.id}:${seen.length}`);
          calls.push(e);
        },
        onToolResult: (e) => {
          order.push(`result:${e.call.id}`);
          results.push(e);
        },
      },
    });
    await server.toolCalls([
      { name: "get_weather", arguments: { city: "A" }, id: "h1" },
      { name: "get_weather", arguments: { city: "B" }, id: "h2" },
    ]);
    await hooked.runAsync({ question: "Two" });
    expect(order).toEqual(["call:h1:0", "call:h2:0", "result:h1", "result:h2"]);
    expect(calls[0]).toMatchObject({ step: 1, name: "get_weather", arguments: '{"city":"A"}', mode: "async" });
    expect(results.map((r) => r.call.output)).toEqual([
      { city: "A", tempC: 21 },
      { city: "B", tempC: 21 },
    ]);
  });
});

describe("run() and asynchronous tools", () => {
  it("a sync execute that returns a Promise fails run() with a ConfigurationError naming the fix", async () => {
    const sneaky = tool({ name: "sneaky", input: z.object({}), execute: () => Promise.resolve(1) });
    await server.toolCalls([{ name: "sneaky", arguments: {} }]);
    const error = await failureOf("run", agent({ wire: "openai", tools: [sneaky], sync: true }), "Go");
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/cannot run in run\(\).*runAsync\(\)/);
  });

  it("an async approver fails run() the same way", async () => {
    const guarded = tool({ name: "guarded", input: z.object({}), execute: () => 1, needsApproval: true });
    await server.toolCalls([{ name: "guarded", arguments: {} }]);
    const error = await failureOf("run", agent({ wire: "openai", tools: [guarded], sync: true }), "Go", {
      onApproval: () => Promise.resolve(true),
    });
    expect(error).toBeInstanceOf(ConfigurationError);
  });
});

describe("streamAsync and batchAsync with tools", () => {
  const slow = (name: string, seen: AbortSignal[] = []) =>
    tool({
      name,
      input: z.object({ city: z.string() }),
      execute: async ({ city }, { signal }) => {
        seen.push(signal);
        await new Promise((resolve) => setTimeout(resolve, 300));
        return city;
      },
    });

  it("streamAsync runs two parallel 300 ms tools concurrently too", async () => {
    const made = agent({ wire: "openai", tools: [slow("slow_a"), slow("slow_b")] });
    await made.runAsync({ question: "warm up" });
    await server.toolCalls([
      { name: "slow_a", arguments: { city: "Paris" } },
      { name: "slow_b", arguments: { city: "Rome" } },
    ]);
    const started = performance.now();
    const stream = made.streamAsync({ question: "Both" });
    const results: string[] = [];
    for await (const event of stream.events()) if (event.type === "tool-result") results.push(event.call.name);
    expect(results).toEqual(["slow_a", "slow_b"]);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it("stream.cancel() while a tool runs aborts the tool's signal and rejects the result", async () => {
    const signals: AbortSignal[] = [];
    await server.toolCalls([{ name: "slow_a", arguments: { city: "Paris" } }]);
    const stream = agent({ wire: "openai", tools: [slow("slow_a", signals)] }).streamAsync({ question: "Cancel me" });
    const seen: string[] = [];
    const consume = (async () => {
      for await (const event of stream.events()) {
        seen.push(event.type);
        if (event.type === "tool-call-delta" && seen.filter((t) => t === "tool-call-delta").length === 1) {
          setTimeout(() => stream.cancel(), 100);
        }
      }
    })();
    await expect(consume).rejects.toBeInstanceOf(AbortError);
    await expect(stream.result).rejects.toBeInstanceOf(AbortError);
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(true);
    expect(seen).not.toContain("tool-result");
  });

  it("batchAsync passes onApproval to every item's run", async () => {
    const done: string[] = [];
    const guarded = tool({
      name: "guarded",
      input: z.object({ who: z.string() }),
      execute: ({ who }) => done.push(who),
      needsApproval: true,
    });
    await server.toolCalls([{ name: "guarded", arguments: { who: "x" } }], { times: 2 });
    const results = await agent({ wire: "openai", tools: [guarded] }).batchAsync([{ question: "one" }, { question: "two" }], {
      concurrency: 1,
      onApproval: () => true,
    });
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
    expect(done).toEqual(["x", "x"]);
  });
});

describe.each(WIRES)("one session shared by a tool agent and a plain agent on the %s wire", (wire) => {
  it("the plain agent gets the earlier tool exchange as text, which the API accepts", async () => {
    const memory = new BufferMemory();
    await server.toolCalls([{ name: "get_weather", arguments: { city: "Oslo" }, id: "call_mix1" }]);
    await agent({ wire, tools: [weatherTool()], memory }).runAsync({ question: "Oslo weather?" }, { sessionId: "mix" });
    await server.resetScript();
    await server.clearRequests();
    const plain = agent({ wire, tools: [], memory });
    const result = await plain.runAsync({ question: "And tomorrow?" }, { sessionId: "mix" });
    expect(typeof result.answer).toBe("string");
    const sent = JSON.stringify((await server.requests()).filter(isChat).map((r) => r.body));
    expect(sent).not.toMatch(/"tool_use"|"tool_result"|"tool_calls"|"role":"tool"/);
    expect(sent).toContain("Called tool get_weather with");
    expect(sent).toContain("Oslo");
    expect((await memory.loadAsync("mix")).turns).toHaveLength(2);
    await memory.close();
  });
});
