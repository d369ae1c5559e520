// The tool loop over real HTTP: the real OpenAI and Anthropic providers (openai and
// @anthropic-ai/sdk clients) against the fake LLM server, in run(), runAsync() and streamAsync().
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BufferMemory } from "@kaizen/memory";
import { startFakeLLMServerThread, toolResultsOf } from "@kaizen/testing";
import type { FakeLLMServerThread } from "@kaizen/testing";
import { z } from "zod";
import { MODES, WIRES, failingTool, failureOf, isChat, makeToolAgent, runIn, weatherTool } from "./__fixtures__/tools-harness.js";
import type { AgentSetup } from "./__fixtures__/tools-harness.js";
import { KaizenError, MaxCyclesError, getRunInfo, tool } from "./index.js";
import type { BaseAgent } from "./index.js";
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

const chats = async () => (await server.requests()).filter(isChat);

describe.each(WIRES)("tools on the %s wire", (wire) => {
  const agent = (setup: Omit<AgentSetup, "wire" | "server">) => {
    const made = makeToolAgent({ wire, server, ...setup });
    agents.push(made);
    return made;
  };

  describe.each(MODES)("%s", (mode) => {
    const sync = mode === "run";

    it("calls the tool with validated input; its output goes back under the call's id; steps say so", async () => {
      const seen: unknown[] = [];
      await server.toolCalls([{ name: "get_weather", arguments: { city: "Paris" }, id: "call_weather_1" }]);
      const { result } = await runIn(mode, agent({ tools: [weatherTool(seen)], sync }), "What should I pack for Paris?");
      expect(typeof result.answer).toBe("string");
      expect(typeof result.confidence).toBe("number");
      expect(seen).toEqual(["Paris"]);
      const sent = await chats();
      expect(sent).toHaveLength(2);
      expect(JSON.stringify(sent[0]!.body)).toContain("get_weather");
      expect(toolResultsOf(sent[1]!).map((r) => [r.toolCallId, JSON.parse(r.content) as unknown])).toEqual([
        ["call_weather_1", { city: "Paris", tempC: 21 }],
      ]);
      const info = getRunInfo(result)!;
      expect(info.toolCycles).toBe(1);
      expect(info.steps).toHaveLength(2);
      expect(info.steps[0]!.toolCalls).toMatchObject([
        {
          id: "call_weather_1",
          name: "get_weather",
          input: { city: "Paris" },
          output: { city: "Paris", tempC: 21 },
          status: "ok",
        },
      ]);
      expect(info.steps[0]!.toolCalls[0]!.ms).toBeGreaterThanOrEqual(0);
      expect(info.steps[1]!.toolCalls).toEqual([]);
      const total = info.steps.reduce((sum, s) => sum + s.usage.totalTokens, 0);
      expect(info.usage.totalTokens).toBe(total);
      expect(info.steps[0]!.usage.totalTokens).toBeGreaterThan(0);
    });

    it("a thrown error and invalid arguments go back to the model as those calls' results; execute never sees bad input", async () => {
      const seen: unknown[] = [];
      await server.toolCalls([
        { name: "get_forecast", arguments: { city: "Oslo" }, id: "call_fails" },
        { name: "get_weather", arguments: { city: 42 }, id: "call_invalid" },
        { name: "get_weather", arguments: '{"city": "Par', id: "call_malformed" },
      ]);
      const { result } = await runIn(mode, agent({ tools: [weatherTool(seen), failingTool()], sync }), "Weather in Oslo?");
      expect(typeof result.answer).toBe("string");
      expect(seen).toEqual([]);
      const results = toolResultsOf((await chats())[1]!);
      expect(results.map((r) => r.toolCallId)).toEqual(["call_fails", "call_invalid", "call_malformed"]);
      expect(results[0]!.content).toContain("station offline");
      expect(results[1]!.content).toMatch(/Invalid input for get_weather: city/);
      expect(results[2]!.content).toMatch(/not valid JSON|Invalid input/);
      if (wire === "anthropic") expect(results.map((r) => r.isError)).toEqual([true, true, true]);
      const calls = getRunInfo(result)!.steps[0]!.toolCalls;
      expect(calls.map((c) => c.status)).toEqual(["error", "invalid", "invalid"]);
    });

    it("ends in a MaxCyclesError naming the setting and the rounds used", async () => {
      const seen: unknown[] = [];
      await server.toolCalls([{ name: "get_weather", arguments: { city: "Rome" } }], { times: 3 });
      const error = await failureOf(mode, agent({ tools: [weatherTool(seen)], sync, config: { maxCycles: 2 } }), "Rome?");
      expect(error).toBeInstanceOf(MaxCyclesError);
      expect(error).toBeInstanceOf(KaizenError);
      expect(error).toMatchObject({ code: "max_cycles_exceeded", maxCycles: 2, cyclesUsed: 2, field: "maxCycles" });
      expect((error as Error).message).toMatch(/maxCycles = 2/);
      expect(seen).toEqual(["Rome", "Rome"]);
      expect(await chats()).toHaveLength(3);
    });

    it("a call that needs approval is not run without an approver, and the model is told it was denied", async () => {
      let launched = 0;
      const launch = tool({
        name: "launch",
        input: z.object({ target: z.string() }),
        execute: () => ++launched,
        needsApproval: true,
      });
      await server.toolCalls([{ name: "launch", arguments: { target: "moon" }, id: "call_launch" }]);
      const { result } = await runIn(mode, agent({ tools: [launch], sync }), "Launch it");
      expect(launched).toBe(0);
      const [denied] = toolResultsOf((await chats())[1]!);
      expect(denied).toMatchObject({ toolCallId: "call_launch" });
      expect(denied!.content).toMatch(/denied/);
      expect(getRunInfo(result)!.steps[0]!.toolCalls[0]!.status).toBe("denied");
    });

    it("onApproval decides per call: approved runs, refused does not", async () => {
      const launched: string[] = [];
      const launch = tool({
        name: "launch",
        input: z.object({ target: z.string() }),
        execute: ({ target }) => launched.push(target),
        needsApproval: ({ target }) => target !== "garden",
      });
      await server.toolCalls([
        { name: "launch", arguments: { target: "moon" } },
        { name: "launch", arguments: { target: "mars" } },
        { name: "launch", arguments: { target: "garden" } },
      ]);
      const asked: string[] = [];
      const onApproval = (call: { input: unknown }) => {
        const target = (call.input as { target: string }).target;
        asked.push(target);
        return target === "moon";
      };
      const { result } = await runIn(mode, agent({ tools: [launch], sync }), "Launch", { onApproval });
      expect(asked.sort()).toEqual(["mars", "moon"]);
      expect(launched.sort()).toEqual(["garden", "moon"]);
      expect(getRunInfo(result)!.steps[0]!.toolCalls.map((c) => c.status)).toEqual(["ok", "denied", "ok"]);
    });

    it("a session's second turn sees the first turn's tool calls and results", async () => {
      const memory = new BufferMemory();
      const chatAgent = agent({ tools: [weatherTool()], sync, memory });
      await server.toolCalls([{ name: "get_weather", arguments: { city: "Lima" }, id: "call_lima" }]);
      await runIn(mode, chatAgent, "Weather in Lima?", { sessionId: "trip" });
      await server.clearRequests();
      await runIn(mode, chatAgent, "And what should I wear?", { sessionId: "trip" });
      const [second] = await chats();
      expect(toolResultsOf(second!).map((r) => r.toolCallId)).toEqual(["call_lima"]);
      expect(JSON.stringify(second!.body)).toContain("Lima");
      const { turns } = await memory.loadAsync("trip");
      expect(turns).toHaveLength(2);
      expect(turns[0]!.metadata?.exchange).toHaveLength(2);
      await memory.close();
    });

    it("does not save a turn whose run failed", async () => {
      const memory = new BufferMemory();
      await server.toolCalls([{ name: "get_weather", arguments: { city: "Rome" } }], { times: 2 });
      const failing = agent({ tools: [weatherTool()], sync, memory, config: { maxCycles: 1 } });
      expect(await failureOf(mode, failing, "Rome?", { sessionId: "s-failed" })).toBeInstanceOf(MaxCyclesError);
      expect((await memory.loadAsync("s-failed")).turns).toEqual([]);
      await memory.close();
    });
  });

  it("runAsync runs two parallel 300 ms tools of one reply concurrently: well under 600 ms", async () => {
    const slow = (name: string) =>
      tool({
        name,
        input: z.object({ city: z.string() }),
        execute: async ({ city }, { signal }) => {
          await new Promise((resolve) => setTimeout(resolve, 300));
          return { city, aborted: signal.aborted };
        },
      });
    const tools = [slow("slow_a"), slow("slow_b")];
    const made = agent({ tools });
    await made.runAsync({ question: "warm up" });
    await server.toolCalls([
      { name: "slow_a", arguments: { city: "Paris" } },
      { name: "slow_b", arguments: { city: "Rome" } },
    ]);
    const started = performance.now();
    const result = await made.runAsync({ question: "Both cities" });
    const elapsed = performance.now() - started;
    const calls = getRunInfo(result)!.steps[0]!.toolCalls;
    expect(calls.map((c) => c.status)).toEqual(["ok", "ok"]);
    expect(calls.every((c) => c.ms >= 290)).toBe(true);
    console.info(`[core] two parallel 300 ms tools on ${wire}: ${elapsed.toFixed(0)} ms for the whole run`);
    expect(elapsed).toBeLessThan(500);
  });

  it("toolConcurrency 1 runs them one after another", async () => {
    const slow = tool({
      name: "slow",
      input: z.object({ n: z.number() }),
      execute: async ({ n }) => {
        await new Promise((resolve) => setTimeout(resolve, 150));
        return n;
      },
    });
    await server.toolCalls([
      { name: "slow", arguments: { n: 1 } },
      { name: "slow", arguments: { n: 2 } },
    ]);
    const started = performance.now();
    await agent({ tools: [slow], config: { toolConcurrency: 1 } }).runAsync({ question: "Both" });
    expect(performance.now() - started).toBeGreaterThanOrEqual(295);
  });
});
