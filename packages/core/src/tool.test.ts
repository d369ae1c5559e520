// tool() and the agent's tool checks at definition: names by the vendors' rule, a zod object
// input, unique names, and an async execute refused where only run() can call it.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { MockProvider, mockToolCalls } from "@kaizen/providers";
import { QASignature } from "./__fixtures__/local.js";
import { BaseAgent, BaseAgentConfig, ConfigurationError, getRunInfo, tool } from "./index.js";

const input = z.object({ city: z.string(), days: z.number().int().min(1).optional() });
const config = (useAsyncLlm: boolean) =>
  new BaseAgentConfig({ llmProvider: "openai", model: "gpt-4o", apiKey: "sk-test-0000000000", useAsyncLlm });

describe("tool()", () => {
  it("writes the input as a JSON Schema object and validates input with the zod schema", () => {
    const weather = tool({ name: "get_weather", description: "Weather", input, execute: ({ city }) => city });
    expect(weather.parameters).toMatchObject({ type: "object", properties: { city: { type: "string" } }, required: ["city"] });
    expect(weather.parameters.$schema).toBeUndefined();
    expect(weather.parseInput({ city: "Paris" })).toEqual({ success: true, value: { city: "Paris" } });
    const bad = weather.parseInput({ city: 3, days: 0 });
    expect(bad.success).toBe(false);
    expect(!bad.success && bad.message).toMatch(/city: .*; days: /);
  });

  it.each(["", "has space", "dots.not.allowed", "x".repeat(65), "ünï"])("refuses the name %j, naming the rule", (name) => {
    expect(() => tool({ name, input, execute: () => 1 })).toThrow(ConfigurationError);
    expect(() => tool({ name, input, execute: () => 1 })).toThrow(/\^\[a-zA-Z0-9_-\]\{1,64\}\$/);
  });

  it("refuses an input that is not a zod object, and a missing execute", () => {
    expect(() => tool({ name: "t", input: z.string(), execute: () => 1 })).toThrow(/must be a z.object/);
    expect(() => tool({ name: "t", input: { city: "x" } as never, execute: () => 1 })).toThrow(/needs a zod schema/);
    expect(() => tool({ name: "t", input, execute: undefined as never })).toThrow(/needs an execute/);
  });
});

describe("BaseAgent tools", () => {
  const provider = new MockProvider({ respond: () => ({ answer: "a", confidence: 1 }) });

  it("refuses two tools with one name", () => {
    const a = tool({ name: "same", input, execute: () => 1 });
    const b = tool({ name: "same", input, execute: () => 2 });
    expect(() => new BaseAgent({ config: config(true), signature: new QASignature(), provider, tools: [a, b] })).toThrow(
      /Two tools are named "same"/,
    );
  });

  it("refuses an async execute at construction when the agent can only run()", () => {
    const slow = tool({ name: "slow", input, execute: async () => 1 });
    const error = (() => {
      try {
        return new BaseAgent({ config: config(false), signature: new QASignature(), provider, tools: [slow] });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).field).toBe("tools");
    expect((error as Error).message).toMatch(/useAsyncLlm: true/);
    expect(() => new BaseAgent({ config: config(true), signature: new QASignature(), provider, tools: [slow] })).not.toThrow();
  });

  it("refuses something that is not a tool", () => {
    expect(
      () => new BaseAgent({ config: config(true), signature: new QASignature(), provider, tools: [{ name: "x" } as never] }),
    ).toThrow(/tools\[0\] is not a tool/);
  });
});

describe("tools with the MockProvider (for users' own unit tests)", () => {
  it("scripts a tool call, then the answer, and the tool result reaches the next request", async () => {
    const mock = new MockProvider({
      responses: [
        mockToolCalls([{ name: "get_weather", arguments: { city: "Paris" }, id: "m1" }]),
        { answer: "Pack a jacket", confidence: 0.8 },
      ],
    });
    const weather = tool({ name: "get_weather", input, execute: ({ city }) => ({ city, tempC: 12 }) });
    const agent = new BaseAgent({ config: config(true), signature: new QASignature(), provider: mock, tools: [weather] });
    const sync = new BaseAgent({ config: config(false), signature: new QASignature(), provider: mock, tools: [weather] });
    const result = await agent.runAsync({ question: "Paris?" });
    expect(result).toEqual({ answer: "Pack a jacket", confidence: 0.8 });
    expect(mock.requests[0]!.tools?.map((t) => t.name)).toEqual(["get_weather"]);
    expect(mock.requests[1]!.messages.slice(-2)).toEqual([
      { role: "assistant", content: "", toolCalls: [{ id: "m1", name: "get_weather", arguments: '{"city":"Paris"}' }] },
      { role: "tool", toolCallId: "m1", toolName: "get_weather", content: '{"city":"Paris","tempC":12}' },
    ]);
    expect(getRunInfo(result)?.toolCycles).toBe(1);
    mock.enqueue(mockToolCalls([{ name: "get_weather", arguments: { city: "Oslo" } }]), { answer: "Scarf", confidence: 0.7 });
    expect(sync.run({ question: "Oslo?" })).toEqual({ answer: "Scarf", confidence: 0.7 });
    await Promise.all([agent.close(), sync.close()]);
  });
});
