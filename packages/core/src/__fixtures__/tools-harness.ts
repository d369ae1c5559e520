// Shared by the tool-loop HTTP tests: agents on either wire protocol against the fake server on
// a worker thread (run() blocks this thread), the three ways to run, and the tools they call.
import { BufferMemory } from "@kaizen/memory";
import type { Memory } from "@kaizen/memory";
import type { FakeLLMServerThread, RecordedRequest } from "@kaizen/testing";
import { z } from "zod";
import { BaseAgent, BaseAgentConfig, tool } from "../index.js";
import type { AgentHooks, AgentStreamEvent, BaseAgentConfigOptions, RunOptions } from "../index.js";
import type { AnyTool } from "@kaizen/contracts";
import { QASignature } from "./local.js";

export type Wire = "openai" | "anthropic";
export type Mode = "run" | "runAsync" | "streamAsync";
export type QA = { answer: string; confidence: number };

export const WIRES: Wire[] = ["openai", "anthropic"];
export const MODES: Mode[] = ["run", "runAsync", "streamAsync"];

/** Records every call it gets, so a test can check what `execute` saw (and that it saw nothing). */
export function weatherTool(seen: unknown[] = []) {
  return tool({
    name: "get_weather",
    description: "Current weather for a city",
    input: z.object({ city: z.string() }),
    execute: ({ city }) => {
      seen.push(city);
      return { city, tempC: 21 };
    },
  });
}

export function failingTool() {
  return tool({
    name: "get_forecast",
    description: "Tomorrow's forecast",
    input: z.object({ city: z.string() }),
    execute: (): never => {
      throw new Error("station offline");
    },
  });
}

export interface AgentSetup {
  wire: Wire;
  server: FakeLLMServerThread;
  tools: readonly AnyTool[];
  sync?: boolean;
  memory?: Memory;
  config?: Partial<BaseAgentConfigOptions>;
  hooks?: AgentHooks<QA>;
}

export function makeToolAgent(setup: AgentSetup): BaseAgent<QASignature> {
  const config = new BaseAgentConfig({
    llmProvider: setup.wire,
    model: setup.wire === "openai" ? "gpt-4o-mini" : "claude-sonnet-4-6",
    apiKey: setup.wire === "openai" ? "sk-fake-kaizen-tools-0001" : "sk-ant-fake-kaizen-tools-0001",
    baseUrl: setup.wire === "openai" ? setup.server.openaiBaseUrl : setup.server.anthropicBaseUrl,
    useAsyncLlm: setup.sync !== true,
    maxTokens: 500,
    ...setup.config,
  });
  return new BaseAgent({
    config,
    signature: new QASignature(),
    tools: setup.tools,
    memory: setup.memory ?? new BufferMemory(),
    ...(setup.hooks === undefined ? {} : { hooks: setup.hooks }),
  });
}

/** Runs the agent the given way; a stream also hands back every event it yielded. */
export async function runIn(
  mode: Mode,
  agent: BaseAgent<QASignature>,
  question: string,
  options: RunOptions = {},
): Promise<{ result: QA; events: AgentStreamEvent<QA>[] }> {
  const events: AgentStreamEvent<QA>[] = [];
  if (mode === "run") return { result: agent.run({ question }, options), events };
  if (mode === "runAsync") return { result: await agent.runAsync({ question }, options), events };
  const stream = agent.streamAsync({ question }, options);
  for await (const event of stream.events()) events.push(event);
  return { result: await stream.result, events };
}

/** Run `mode` and return its error (failing the test if it resolved). */
export async function failureOf(mode: Mode, agent: BaseAgent<QASignature>, question: string, options: RunOptions = {}) {
  try {
    await runIn(mode, agent, question, options);
  } catch (error) {
    return error;
  }
  throw new Error("Expected the run to fail, but it returned a result.");
}

export const isChat = (r: RecordedRequest): boolean => r.path.endsWith("/chat/completions") || r.path.endsWith("/messages");
