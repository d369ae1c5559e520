// The CPU cost of the OpenTelemetry no-op path (no SDK registered) per agent call: the spans and
// metrics traceRun makes around one run with one model call, against the CPU of a whole runAsync
// call. The agent answers from an in-memory provider (no HTTP), so the agent's own CPU is the
// denominator and the share is an upper bound of what a real call over the network sees.
import { cpuUsage } from "node:process";
import type { ChatRequest, ChatResponse, LLMProvider } from "@kaizen/contracts";
import { BaseAgent, BaseAgentConfig } from "@kaizen/core";
import { QASignature } from "./agent.js";

interface TelemetryModule {
  traceRun(
    settings: { agentName: string; providerName: string; recordContent: boolean },
    call: {
      runId: number;
      mode: "async";
      inputs: Record<string, unknown>;
      sessionId: undefined;
      signal: undefined;
      timeoutMs: undefined;
      timeoutSignal: undefined;
    },
    lifecycle: Generator<unknown, unknown, unknown>,
  ): Generator<unknown, unknown, unknown>;
}

export interface TelemetryCost {
  /** CPU µs the traced lifecycle adds per run with one model call, no SDK registered. */
  noopMicros: number;
  /** CPU µs of one runAsync call from an in-memory provider. */
  callMicros: number;
  /** noopMicros / callMicros, in percent. */
  percent: number;
}

const RESPONSE: ChatResponse = {
  content: JSON.stringify({ answer: "4", confidence: 0.9 }),
  parsed: { answer: "4", confidence: 0.9 },
  model: "gpt-4o-mini",
  finishReason: "stop",
  usage: { inputTokens: 40, outputTokens: 8, totalTokens: 48 },
  structuredOutput: "json_schema",
  attempts: 1,
};

class CannedProvider implements LLMProvider {
  readonly name = "openai";
  chatAsync(_request: ChatRequest): Promise<ChatResponse> {
    return Promise.resolve(RESPONSE);
  }
}

function cpuMicros(): number {
  const { user, system } = cpuUsage();
  return user + system;
}

/** The least CPU per iteration over a few repetitions (the least disturbed by other processes). */
async function perCall(iterations: number, reps: number, body: () => unknown): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let rep = 0; rep < reps; rep++) {
    const start = cpuMicros();
    for (let i = 0; i < iterations; i++) {
      const value = body();
      if (value instanceof Promise) await value;
    }
    best = Math.min(best, (cpuMicros() - start) / iterations);
  }
  return best;
}

export async function measureTelemetryCost(options: { calls?: number; reps?: number } = {}): Promise<TelemetryCost> {
  const calls = options.calls ?? 20_000;
  const reps = options.reps ?? 5;
  // traceRun is internal to @kaizen/core; the bench loads it from the built package directly.
  const { traceRun } = (await import(new URL("../../packages/core/dist/telemetry.js", import.meta.url).href)) as TelemetryModule;
  const settings = { agentName: "QASignature", providerName: "openai", recordContent: false };
  const request = { messages: [], model: "gpt-4o-mini" };
  function* lifecycle(): Generator<unknown, unknown, unknown> {
    yield { op: "chat", request };
    return {};
  }
  const step = (run: Generator<unknown, unknown, unknown>): unknown => {
    run.next();
    return run.next(RESPONSE).value;
  };
  const call = {
    runId: 1,
    mode: "async",
    inputs: {},
    sessionId: undefined,
    signal: undefined,
    timeoutMs: undefined,
    timeoutSignal: undefined,
  } as const;
  const inner = calls * 10;
  const plain = await perCall(inner, reps, () => step(lifecycle()));
  const traced = await perCall(inner, reps, () => step(traceRun(settings, call, lifecycle())));

  const agent = new BaseAgent({
    config: new BaseAgentConfig({ model: "gpt-4o-mini", apiKey: "sk-bench-0000", useAsyncLlm: true }),
    signature: new QASignature(),
    provider: new CannedProvider(),
  });
  const callMicros = await perCall(calls, reps, () => agent.runAsync({ question: "What is 2+2?" }));
  await agent.close();
  const noopMicros = Math.max(0, traced - plain);
  return { noopMicros, callMicros, percent: (noopMicros / callMicros) * 100 };
}

export function telemetryCostLine(cost: TelemetryCost): string {
  return (
    `OpenTelemetry no-op path (no SDK registered): ${cost.noopMicros.toFixed(2)} µs CPU per call, ` +
    `${cost.percent.toFixed(2)}% of a runAsync call's ${cost.callMicros.toFixed(1)} µs (in-memory provider, no HTTP; goal < 2%)`
  );
}
