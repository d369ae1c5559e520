// The no-SDK fast path is taken only when neither a tracer nor a meter provider is registered:
// an app that registers just one of them still gets its spans, or its metrics.
import { afterEach, beforeAll, afterAll, describe, expect, it } from "vitest";
import { metrics, trace } from "@opentelemetry/api";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { startFakeLLMServerThread } from "@kaizen/testing";
import type { FakeLLMServerThread } from "@kaizen/testing";
import { QASignature } from "./__fixtures__/local.js";
import { BaseAgent, BaseAgentConfig } from "./index.js";

let thread: FakeLLMServerThread;
beforeAll(async () => {
  thread = await startFakeLLMServerThread();
});
afterAll(() => thread.close());
afterEach(() => {
  trace.disable();
  metrics.disable();
});

async function ask(): Promise<void> {
  const agent = new BaseAgent({
    config: new BaseAgentConfig({
      model: "gpt-4o-mini",
      apiKey: "sk-fake-partial-0001",
      baseUrl: thread.openaiBaseUrl,
      useAsyncLlm: true,
    }),
    signature: new QASignature(),
  });
  try {
    expect((await agent.runAsync({ question: "What is 2+2?" })).answer).toContain("4");
  } finally {
    await agent.close();
  }
}

describe("one of the two providers registered", () => {
  it("metrics only: the GenAI histograms are recorded", async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({ readers: [reader] });
    metrics.setGlobalMeterProvider(provider);
    await ask();
    await reader.forceFlush();
    const names = exporter.getMetrics().flatMap((b) => b.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.descriptor.name)));
    expect(names).toEqual(expect.arrayContaining(["gen_ai.client.operation.duration", "gen_ai.client.token.usage"]));
    await provider.shutdown();
  });

  it("traces only: the run and chat spans are exported", async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    trace.setGlobalTracerProvider(provider);
    await ask();
    expect(
      exporter
        .getFinishedSpans()
        .map((s) => s.name)
        .sort(),
    ).toEqual(["chat gpt-4o-mini", "invoke_agent QASignature"]);
    await provider.shutdown();
  });

  it("neither: nothing is recorded, and a provider registered afterwards is picked up", async () => {
    await ask();
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    trace.setGlobalTracerProvider(provider);
    await ask();
    expect(exporter.getFinishedSpans()).toHaveLength(2);
    await provider.shutdown();
  });
});
