import { Child } from "./child-process.js";
import type { FakeLLM } from "./fake-llm.js";
import type { ScenarioResult, ScenarioSpec } from "./scenario.js";

/** Runs one scenario in a fresh process against the shared fake LLM server. */
export async function runScenario(fake: FakeLLM, spec: ScenarioSpec): Promise<ScenarioResult> {
  await fake.setLatency(0);
  const child = new Child("scenario-child", [], ["--expose-gc"]);
  try {
    child.send({ type: "start", spec, openaiBaseUrl: fake.openaiBaseUrl });
    await child.waitFor("warm", 120_000);
    await fake.setLatency(spec.latencyMs);
    child.send({ type: "go" });
    const budget = 120_000 + spec.calls * (spec.latencyMs + 50);
    const { result } = await child.waitFor<{ type: "result"; result: ScenarioResult }>("result", budget);
    return result;
  } finally {
    await child.stop();
  }
}
