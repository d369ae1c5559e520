// The tool mode over real HTTP: the app listening on a port, the real agent and OpenAI client
// against the fake LLM server, which scripts the model's tool calls.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { toolResultsOf, type RecordedRequest } from "@kaizen/testing";
import { buildApp } from "./app.js";
import { parseSse, startTestApp, type TestApp } from "./test-support/harness.js";

let t: TestApp;
let url: string;
beforeAll(async () => {
  t = await startTestApp({ fake: { streamChunkDelayMs: 5 } });
  url = await t.app.listen({ port: 0, host: "127.0.0.1" });
});
afterAll(async () => {
  await t?.close();
});
beforeEach(() => {
  t.fake.resetScript();
  t.fake.clearRequests();
});

const post = async (path: string, body: unknown) =>
  fetch(`${url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const chats = () => t.fake.requests.filter((r) => r.path.endsWith("/chat/completions"));
/** A reply the fake gives only to a request whose tool result carries `text`: the answer exists only if the result reached the model. */
const answerWhenToolSaid = (text: string, answer: string) =>
  t.fake.reply(
    { answer, confidence: 0.95 },
    { match: (r: RecordedRequest) => toolResultsOf(r).some((result) => result.content.includes(text)) },
  );

interface ToolCallJson {
  step: number;
  id: string;
  name: string;
  input: unknown;
  status: string;
  output?: unknown;
  error?: string;
  ms: number;
}

describe('POST /api/chat with "tools": true', () => {
  it("calls the calculator, and the answer reflects its result", async () => {
    t.fake.toolCalls([{ name: "calculator", arguments: { expression: "(1234 + 4321) * 7" }, id: "call_calc" }]);
    answerWhenToolSaid('"result":38885', "(1234 + 4321) * 7 = 38885");
    const res = await post("/api/chat", { message: "Work out the order total with the calculator.", tools: true });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { response: string; confidence: number; toolCalls: ToolCallJson[] };
    expect(body.response).toBe("(1234 + 4321) * 7 = 38885");
    expect(body.toolCalls).toEqual([
      {
        step: 1,
        id: "call_calc",
        name: "calculator",
        input: { expression: "(1234 + 4321) * 7" },
        status: "ok",
        output: { expression: "(1234 + 4321) * 7", result: 38885 },
        ms: expect.any(Number) as number,
      },
    ]);
    const [first, second] = chats();
    expect(JSON.stringify(first!.body)).toContain('"name":"calculator"');
    expect(JSON.stringify(first!.body)).toContain('"name":"current_time"');
    expect(toolResultsOf(second!)).toEqual([
      { toolCallId: "call_calc", content: '{"expression":"(1234 + 4321) * 7","result":38885}' },
    ]);
  });

  it("refuses a bad expression: the error goes back to the model, which can correct itself", async () => {
    t.fake.toolCalls([{ name: "calculator", arguments: { expression: "require('fs').rmSync('/')" }, id: "call_bad" }]);
    t.fake.toolCalls([{ name: "calculator", arguments: { expression: "2 ^ 16" }, id: "call_fixed" }]);
    answerWhenToolSaid('"result":65536', "2 ^ 16 = 65536");
    const res = await post("/api/chat", { message: "Compute two to the sixteenth with the calculator.", tools: true });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { response: string; toolCalls: ToolCallJson[] };
    expect(body.response).toBe("2 ^ 16 = 65536");
    expect(body.toolCalls.map((c) => [c.step, c.id, c.status])).toEqual([
      [1, "call_bad", "error"],
      [2, "call_fixed", "ok"],
    ]);
    expect(body.toolCalls[0]!.error).toMatch(/CalculatorError: unexpected character "'" at position 8\. Allowed: numbers/);
    expect(body.toolCalls[0]).not.toHaveProperty("output");
    const refused = toolResultsOf(chats()[1]!);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.toolCallId).toBe("call_bad");
    expect(refused[0]!.content).toMatch(/unexpected character "'"/);
  });

  it("tells the model about arguments that do not fit the schema, and an unknown zone, without running anything bad", async () => {
    t.fake.toolCalls([
      { name: "calculator", arguments: { expr: "1+1" }, id: "call_invalid" },
      { name: "current_time", arguments: { timeZone: "Atlantis/Capital" }, id: "call_zone" },
      { name: "current_time", arguments: {}, id: "call_utc" },
    ]);
    const res = await post("/api/chat", { message: "What time is it?", tools: true });
    const body = (await res.json()) as { toolCalls: ToolCallJson[] };
    expect(body.toolCalls.map((c) => c.status)).toEqual(["invalid", "error", "ok"]);
    expect(body.toolCalls[1]!.error).toMatch(/"Atlantis\/Capital" is not an IANA time zone/);
    expect(body.toolCalls[2]!.output).toMatchObject({ timeZone: "UTC", utcOffset: "+00:00" });
    const results = toolResultsOf(chats()[1]!);
    expect(results.map((r) => r.toolCallId)).toEqual(["call_invalid", "call_zone", "call_utc"]);
    expect(results[0]!.content).toMatch(/Invalid input for calculator: expression/);
  });

  it("within a session: the turn is saved, and the next turn sends its tool exchange to the model", async () => {
    const sessionId = `tools-${randomUUID()}`;
    t.fake.toolCalls([{ name: "calculator", arguments: { expression: "99 * 99" }, id: "call_session" }]);
    const first = await post(`/api/chat/${sessionId}`, { message: "Square 99 with the calculator.", tools: true });
    expect(((await first.json()) as { toolCalls: ToolCallJson[] }).toolCalls[0]!.output).toEqual({
      expression: "99 * 99",
      result: 9801,
    });
    t.fake.clearRequests();
    await post(`/api/chat/${sessionId}`, { message: "And what did you compute?", tools: true });
    expect(toolResultsOf(chats()[0]!)).toEqual([
      { toolCallId: "call_session", content: '{"expression":"99 * 99","result":9801}' },
    ]);
    const history = (await (await fetch(`${url}/api/chat/${sessionId}/history`)).json()) as {
      turns: Record<string, unknown>[];
    };
    expect(history.turns).toHaveLength(2);
    expect(history.turns[0]!.toolCalls).toEqual([
      {
        id: "call_session",
        name: "calculator",
        input: { expression: "99 * 99" },
        status: "ok",
        output: { expression: "99 * 99", result: 9801 },
      },
    ]);
    expect(history.turns[1]).not.toHaveProperty("toolCalls");
  });

  it("without tools the model is offered none and the answer has no toolCalls", async () => {
    const res = await post("/api/chat", { message: "What is 2+2?" });
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).not.toHaveProperty("toolCalls");
    expect(chats()[0]!.body).not.toHaveProperty("tools");
    const off = (await (await post("/api/chat", { message: "What is 2+2?", tools: false })).json()) as Record<string, unknown>;
    expect(off).not.toHaveProperty("toolCalls");
  });

  it("a tools value that is not a boolean is a 400 naming the field", async () => {
    const res = await post("/api/chat", { message: "hi", tools: "yes" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/^Invalid request body: body\.tools: /);
  });

  it("an app built without a tool agent answers tools: true with a configuration error naming the fix", async () => {
    const bare = await buildApp({
      agent: t.runtime.agent,
      memory: undefined,
      info: { llm: "x", model: "y", memory: "none" },
      secrets: [],
    });
    try {
      const res = await bare.inject({ method: "POST", url: "/api/chat", payload: { message: "hi", tools: true } });
      expect(res.statusCode).toBe(500);
      expect(res.json<{ detail: string }>().detail).toMatch(
        /^Configuration error: this server has no tool agent.*Fix: build the app with deps\.tools/,
      );
    } finally {
      await bare.close();
    }
  });

  it("documents the tool mode in the OpenAPI document", async () => {
    const doc = JSON.stringify(await (await fetch(`${url}/openapi.json`)).json());
    expect(doc).toContain("calculator (arithmetic");
    expect(doc).toContain("event: tool-call");
    expect(doc).toContain("toolCalls");
  });
});

describe('POST /api/chat/stream with "tools": true', () => {
  const streamEvents = async (body: unknown) => {
    const res = await post("/api/chat/stream", body);
    expect(res.status).toBe(200);
    return parseSse(await res.text());
  };

  it("sends each tool call as it happens, in order: call (name, input), result, then the answer's partials and the result", async () => {
    t.fake.toolCalls([
      { name: "calculator", arguments: { expression: "12 * 12" }, id: "call_a" },
      { name: "current_time", arguments: { timeZone: "Asia/Tokyo" }, id: "call_b" },
    ]);
    answerWhenToolSaid('"result":144', "12 * 12 = 144, and it is late in Tokyo");
    const events = await streamEvents({ message: "Use the tools, please.", tools: true });
    const kinds = events.map((e) => e.event);
    expect(kinds.slice(0, 4)).toEqual(["tool-call", "tool-call", "tool-result", "tool-result"]);
    expect(kinds.slice(4, -1).every((k) => k === "partial")).toBe(true);
    expect(kinds.slice(4, -1).length).toBeGreaterThanOrEqual(2);
    expect(kinds.at(-1)).toBe("result");
    expect(events[0]!.data).toEqual({ step: 1, id: "call_a", name: "calculator", input: { expression: "12 * 12" } });
    expect(events[1]!.data).toEqual({ step: 1, id: "call_b", name: "current_time", input: { timeZone: "Asia/Tokyo" } });
    expect(events[2]!.data).toMatchObject({ id: "call_a", status: "ok", output: { result: 144 } });
    expect(events[3]!.data).toMatchObject({
      id: "call_b",
      status: "ok",
      output: { timeZone: "Asia/Tokyo", utcOffset: "+09:00" },
    });
    const result = events.at(-1)!.data as { response: string; toolCalls: ToolCallJson[] };
    expect(result.response).toBe("12 * 12 = 144, and it is late in Tokyo");
    expect(result.toolCalls.map((c) => c.id)).toEqual(["call_a", "call_b"]);
    expect(t.runtime.toolCalls.size).toBe(0);
  });

  it("streams a refused expression as a tool-result with status error, then the corrected call", async () => {
    t.fake.toolCalls([{ name: "calculator", arguments: { expression: "7 / 0" }, id: "call_zero" }]);
    t.fake.toolCalls([{ name: "calculator", arguments: { expression: "7 / 2" }, id: "call_half" }]);
    const events = await streamEvents({ message: "Divide seven.", tools: true });
    const tools = events.filter((e) => e.event.startsWith("tool-"));
    expect(tools.map((e) => [e.event, (e.data as { id: string }).id])).toEqual([
      ["tool-call", "call_zero"],
      ["tool-result", "call_zero"],
      ["tool-call", "call_half"],
      ["tool-result", "call_half"],
    ]);
    expect(tools[1]!.data).toMatchObject({
      step: 1,
      status: "error",
      error: expect.stringMatching(/division by zero/) as string,
    });
    expect(tools[3]!.data).toMatchObject({ step: 2, status: "ok", output: { result: 3.5 } });
    expect(events.at(-1)!.event).toBe("result");
  });

  it("without tools the stream carries no tool events", async () => {
    const events = await streamEvents({ message: "What is 2+2?" });
    expect(events.some((e) => e.event.startsWith("tool-"))).toBe(false);
    expect(events.at(-1)!.data).not.toHaveProperty("toolCalls");
  });
});
