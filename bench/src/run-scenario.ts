import { setTimeout as sleep } from "node:timers/promises";
import { Child } from "./child-process.js";
import type { FakeLLM } from "./fake-llm.js";
import type { ScenarioResult, ScenarioSpec } from "./scenario.js";

/** Thrown when a scenario process died before its measured phase: nothing was measured yet. */
class SetupFailed extends Error {}

async function runOnce(fake: FakeLLM, spec: ScenarioSpec, execArgv: string[]): Promise<ScenarioResult> {
  await fake.setLatency(0);
  const child = new Child("scenario-child", [], ["--expose-gc", ...execArgv]);
  try {
    child.send({ type: "start", spec, openaiBaseUrl: fake.openaiBaseUrl });
    try {
      await child.waitFor("warm", 120_000);
    } catch (err) {
      throw new SetupFailed(err instanceof Error ? err.message : String(err));
    }
    await fake.setLatency(spec.latencyMs);
    child.send({ type: "go" });
    const budget = 120_000 + spec.calls * (spec.latencyMs + 50);
    const { result } = await child.waitFor<{ type: "result"; result: ScenarioResult }>("result", budget);
    return result;
  } finally {
    await child.stop();
  }
}

/**
 * Runs one scenario in a fresh process against the shared fake LLM server. A process that dies
 * while setting up (in a shared workspace, a sibling package's dist can be mid-rebuild) is
 * retried twice; a failure during measurement is not.
 */
export async function runScenario(
  fake: FakeLLM,
  spec: ScenarioSpec,
  log: (line: string) => void = () => undefined,
  execArgv: string[] = [],
): Promise<ScenarioResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runOnce(fake, spec, execArgv);
    } catch (err) {
      if (!(err instanceof SetupFailed) || attempt >= 3) throw err;
      log(`[bench] ${spec.mode} x${spec.calls}: setup failed (${err.message.split("\n")[0]}); retrying in 5 s`);
      await sleep(5_000);
    }
  }
}
