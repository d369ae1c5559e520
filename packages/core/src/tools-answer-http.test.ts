// The answer tool beside user tools, over real HTTP: with structured output through a forced
// "answer" tool (structuredOutput "tool"; Anthropic's default), a reply that calls a user tool and
// the answer tool together. The answer was written before the tool's result existed, so it is not
// accepted: the user tools run, the answer call gets a "not accepted" result, and the model answers
// again having read the results. A reply that only answers (even twice) is the final answer.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeLLMServerThread, toolResultsOf } from "@kaizen/testing";
import type { FakeLLMServerThread } from "@kaizen/testing";
import { outputSchemaName } from "@kaizen/signatures";
import { MODES, WIRES, failureOf, isChat, makeToolAgent, runIn, weatherTool } from "./__fixtures__/tools-harness.js";
import type { AgentSetup } from "./__fixtures__/tools-harness.js";
import { MaxCyclesError, getRunInfo } from "./index.js";
import type { BaseAgent } from "./index.js";
import { QASignature } from "./__fixtures__/local.js";

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
const ANSWER = outputSchemaName(new QASignature());

describe.each(WIRES)("the answer tool beside user tools on the %s wire", (wire) => {
  const agent = (setup: Omit<AgentSetup, "wire" | "server">) => {
    const made = makeToolAgent({ wire, server, ...setup, config: { structuredOutput: "tool", ...setup.config } });
    agents.push(made);
    return made;
  };

  describe.each(MODES)("%s", (mode) => {
    const sync = mode === "run";

    it("runs the user tool, refuses the early answer, and returns the answer written after the tool's result", async () => {
      const seen: unknown[] = [];
      await server.toolCalls([
        { name: "get_weather", arguments: { city: "Paris" }, id: "call_weather_mixed" },
        { name: ANSWER, arguments: { answer: "a guess before the weather", confidence: 0.1 }, id: "call_answer_early" },
      ]);
      await server.toolCalls([{ name: ANSWER, arguments: { answer: "Paris is 21 C: pack light", confidence: 0.9 } }]);
      const { result, events } = await runIn(mode, agent({ tools: [weatherTool(seen)], sync }), "What should I pack for Paris?");
      expect(result).toEqual({ answer: "Paris is 21 C: pack light", confidence: 0.9 });
      if (mode === "streamAsync") {
        // The refused answer streamed as partials of step 1; the accepted one is step 2's.
        const partials = events.flatMap((e) => (e.type === "partial-output" ? [e] : []));
        expect(partials.some((e) => e.step === 1 && e.output.answer === "a guess before the weather")).toBe(true);
        expect(partials.at(-1)).toMatchObject({ step: 2, output: { answer: "Paris is 21 C: pack light" } });
      }
      expect(seen).toEqual(["Paris"]);
      const sent = await chats();
      expect(sent).toHaveLength(2);
      const results = toolResultsOf(sent[1]!);
      expect(results.map((r) => r.toolCallId)).toEqual(["call_weather_mixed", "call_answer_early"]);
      expect(JSON.parse(results[0]!.content)).toEqual({ city: "Paris", tempC: 21 });
      expect(results[1]!.content).toMatch(/not accepted/i);
      expect(results[1]!.content).toContain(ANSWER);
      // Both calls of the reply are in the history the model sees, under their ids.
      expect(JSON.stringify(sent[1]!.body)).toContain("call_answer_early");
      const info = getRunInfo(result)!;
      expect(info.toolCycles).toBe(1);
      expect(info.steps).toHaveLength(2);
      expect(info.steps[0]!.toolCalls.map((c) => [c.name, c.status])).toEqual([["get_weather", "ok"]]);
      expect(info.steps[0]!.rejectedAnswer).toEqual({ answer: "a guess before the weather", confidence: 0.1 });
    });

    it("a model that keeps answering beside tool calls ends in MaxCyclesError, not an endless loop", async () => {
      await server.toolCalls(
        [
          { name: "get_weather", arguments: { city: "Rome" } },
          { name: ANSWER, arguments: { answer: "again too early", confidence: 0.2 } },
        ],
        { times: 3 },
      );
      const error = await failureOf(mode, agent({ tools: [weatherTool()], sync, config: { maxCycles: 2 } }), "Rome?");
      expect(error).toBeInstanceOf(MaxCyclesError);
      expect((await chats()).length).toBe(3);
    });

    it("a reply that calls only the answer tool, twice, is the final answer (the first call)", async () => {
      const seen: unknown[] = [];
      await server.toolCalls([
        { name: ANSWER, arguments: { answer: "first", confidence: 0.7 } },
        { name: ANSWER, arguments: { answer: "second", confidence: 0.6 } },
      ]);
      const { result } = await runIn(mode, agent({ tools: [weatherTool(seen)], sync }), "Anything?");
      expect(result).toEqual({ answer: "first", confidence: 0.7 });
      expect(seen).toEqual([]);
      expect(await chats()).toHaveLength(1);
      expect(getRunInfo(result)!.toolCycles).toBe(0);
    });
  });
});
