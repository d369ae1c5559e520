import { Child } from "./child-process.js";

export interface FakeLLM {
  url: string;
  openaiBaseUrl: string;
  setLatency(ms: number): Promise<void>;
  /** The server process's CPU time so far, in ms (user + system). */
  cpuMs(): Promise<number>;
  close(): Promise<void>;
}

export async function startFakeLLMProcess(): Promise<FakeLLM> {
  const child = new Child("fake-llm-child");
  const ready = await child.waitFor("ready", 60_000);
  let current = -1;
  return {
    url: String(ready.url),
    openaiBaseUrl: String(ready.openaiBaseUrl),
    async setLatency(ms) {
      if (ms === current) return;
      child.send({ type: "latency", ms });
      await child.waitFor("latency-set");
      current = ms;
    },
    async cpuMs() {
      child.send({ type: "cpu" });
      const m = await child.waitFor("cpu");
      const u = m.usage as NodeJS.CpuUsage;
      return (u.user + u.system) / 1000;
    },
    close: () => child.stop(),
  };
}
