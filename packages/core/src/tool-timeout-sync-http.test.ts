// toolTimeoutMs and a synchronous execute, over real HTTP: JavaScript cannot preempt a function
// that is running, so a sync execute always runs to the end (its side effects happen); when it
// returns past the limit the call is reported to the model as timed out and its output discarded.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeLLMServerThread, toolResultsOf } from "@kaizen/testing";
import type { FakeLLMServerThread } from "@kaizen/testing";
import { z } from "zod";
import { WIRES, isChat, makeToolAgent, runIn } from "./__fixtures__/tools-harness.js";
import type { Mode } from "./__fixtures__/tools-harness.js";
import { getRunInfo, tool } from "./index.js";
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

/** A sync tool that holds its thread for `ms`, counting how often it got to the end. */
function busyTool(ms: number, finished: { count: number }) {
  return tool({
    name: "crunch",
    description: "A slow synchronous computation",
    input: z.object({}),
    execute: () => {
      const end = performance.now() + ms;
      let spins = 0;
      while (performance.now() < end) spins++;
      finished.count++;
      return { spins: spins > 0 };
    },
  });
}

const MODES_HERE: Mode[] = ["run", "runAsync"];

describe.each(WIRES)("a synchronous execute past toolTimeoutMs on the %s wire", (wire) => {
  it.each(MODES_HERE)("%s: runs to the end, then is reported as timed out with its output discarded", async (mode) => {
    const finished = { count: 0 };
    const made = makeToolAgent({
      wire,
      server,
      tools: [busyTool(150, finished)],
      sync: mode === "run",
      config: { toolTimeoutMs: 40 },
    });
    agents.push(made);
    await server.toolCalls([{ name: "crunch", arguments: {}, id: "call_crunch" }]);
    const { result } = await runIn(mode, made, "Crunch it");
    // Not interrupted: it got to the end, and took its full time.
    expect(finished.count).toBe(1);
    const call = getRunInfo(result)!.steps[0]!.toolCalls[0]!;
    expect(call.status).toBe("timeout");
    expect(call.output).toBeUndefined();
    expect(call.ms).toBeGreaterThanOrEqual(140);
    const [sent] = toolResultsOf((await server.requests()).filter(isChat)[1]!);
    expect(sent).toMatchObject({ toolCallId: "call_crunch" });
    expect(sent!.content).toMatch(/past toolTimeoutMs \(40 ms\)/);
    expect(sent!.content).toMatch(/output was discarded/);
    expect(sent!.content).not.toContain("spins");
  });

  it.each(MODES_HERE)("%s: a sync execute within the limit is an ordinary result", async (mode) => {
    const finished = { count: 0 };
    const made = makeToolAgent({
      wire,
      server,
      tools: [busyTool(5, finished)],
      sync: mode === "run",
      config: { toolTimeoutMs: 2000 },
    });
    agents.push(made);
    await server.toolCalls([{ name: "crunch", arguments: {}, id: "call_quick" }]);
    const { result } = await runIn(mode, made, "Crunch it");
    expect(getRunInfo(result)!.steps[0]!.toolCalls[0]).toMatchObject({ status: "ok", output: { spins: true } });
  });
});
