// One scenario in one process: set up the contender, warm it up at 0 ms latency, tell the parent
// (which then sets the measured latency on the fake server), measure, report, exit.
import diagnostics from "node:diagnostics_channel";
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { reportFatal, send, type Message } from "./child-process.js";
import { checkAnswer, question } from "./workload.js";
import { percentile, type ScenarioResult, type ScenarioSpec } from "./scenario.js";

type Call = (i: number) => Promise<unknown> | unknown;

interface Contender {
  call: Call;
  close(): Promise<void> | void;
  /** Streaming modes: first byte to first partial object, ms, per call (meaningful one call at a time). */
  firstPartialMs?: number[];
}

/**
 * When the calling thread's HTTP client last read a response's headers: node:http (the bare floor,
 * and Kaizen's default node:http fetch) and Node's fetch (undici, under the raw SDK) both publish
 * it on a diagnostics channel, so the same moment is taken for every contender.
 */
let firstByteAt = Number.NaN;
function watchFirstBytes(): void {
  const mark = (): void => {
    firstByteAt = performance.now();
  };
  diagnostics.subscribe("http.client.response.finish", mark);
  diagnostics.subscribe("undici:request:headers", mark);
}

async function createContender(spec: ScenarioSpec, baseUrl: string): Promise<Contender> {
  switch (spec.mode) {
    case "stream-async":
    case "stream-raw":
    case "stream-floor": {
      const { createStreamContender } = await import("./stream-contenders.js");
      const contender = await createStreamContender(spec.mode, baseUrl);
      watchFirstBytes();
      const firstPartialMs: number[] = [];
      return {
        call: async (i) => {
          const at = await contender.call(i);
          firstPartialMs.push(at - firstByteAt);
        },
        close: () => contender.close(),
        firstPartialMs,
      };
    }
    case "raw": {
      const { createRawClient, rawCall } = await import("./raw-openai.js");
      const client = createRawClient(baseUrl);
      return { call: (i) => rawCall(client, i), close: () => undefined };
    }
    case "raw-lean": {
      const { createRawClient, rawCall } = await import("./raw-openai.js");
      const { nodeHttpFetch } = await import("./lean-fetch.js");
      const client = createRawClient(baseUrl, nodeHttpFetch());
      return { call: (i) => rawCall(client, i), close: () => undefined };
    }
    case "floor": {
      const { createBareFloorClient } = await import("./bare-floor.js");
      const client = createBareFloorClient(baseUrl);
      return { call: (i) => client.call(i), close: () => client.close() };
    }
    case "raw-sync": {
      const { createRawSyncClient } = await import("./raw-sync.js");
      const client = await createRawSyncClient(baseUrl);
      return { call: (i) => client.call(i), close: () => client.close() };
    }
    case "async": {
      const { createAgent } = await import("./agent.js");
      const agent = createAgent(baseUrl, true);
      return {
        call: async (i) => checkAnswer(await agent.runAsync({ question: question(i) })),
        close: () => agent.close(),
      };
    }
    case "tool-raw": {
      const { createRawClient } = await import("./raw-openai.js");
      const { rawToolCycle } = await import("./raw-tool-loop.js");
      const client = createRawClient(baseUrl);
      return {
        call: async (i) => {
          const { cycles } = await rawToolCycle(client, i);
          if (cycles !== 1) throw new Error(`expected one tool cycle, the loop took ${cycles}`);
        },
        close: () => undefined,
      };
    }
    case "tool-async": {
      const [{ createToolAgent }, { toolQuestion }, { getRunInfo }] = await Promise.all([
        import("./tool-agent.js"),
        import("./tool-workload.js"),
        import("@kaizen/core"),
      ]);
      const agent = createToolAgent(baseUrl);
      return {
        call: async (i) => {
          const result = await agent.runAsync({ question: toolQuestion(i) });
          checkAnswer(result);
          const cycles = getRunInfo(result)?.toolCycles;
          if (cycles !== 1) throw new Error(`expected one tool cycle, the agent took ${String(cycles)}`);
        },
        close: () => agent.close(),
      };
    }
    case "sync": {
      const { createAgent } = await import("./agent.js");
      const agent = createAgent(baseUrl, false);
      return { call: (i) => checkAnswer(agent.run({ question: question(i) })), close: () => agent.close() };
    }
  }
}

interface PoolOutcome {
  ok: number;
  failed: number;
  firstError?: string;
  completions: number[];
}

/** `calls` calls, at most `concurrency` at once. A blocking call simply holds its slot's turn. */
async function runPool(calls: number, concurrency: number, call: Call, offset: number, t0: number): Promise<PoolOutcome> {
  const out: PoolOutcome = { ok: 0, failed: 0, completions: [] };
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < calls) {
      const i = next++;
      try {
        await call(offset + i);
        out.ok++;
      } catch (err) {
        out.failed++;
        out.firstError ??= err instanceof Error ? err.message : String(err);
      }
      out.completions.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, calls)) }, lane));
  return out;
}

const mb = (bytes: number): number => bytes / (1024 * 1024);

async function run(spec: ScenarioSpec, baseUrl: string, go: Promise<unknown>, resume: Promise<unknown>): Promise<ScenarioResult> {
  const contender = await createContender(spec, baseUrl);
  if (spec.warmupCalls > 0) {
    const warm = await runPool(spec.warmupCalls, Math.min(spec.concurrency, 50), contender.call, 1_000_000, performance.now());
    if (warm.failed > 0) throw new Error(`warm-up: ${warm.failed} of ${spec.warmupCalls} calls failed: ${warm.firstError}`);
  }
  contender.firstPartialMs?.splice(0);
  (globalThis as { gc?: () => void }).gc?.();
  // Let V8's background threads finish compiling what the warm-up made hot: their CPU would
  // otherwise land in the first measured calls.
  await sleep(300);
  send({ type: "warm" });
  await go;

  let session: Session | undefined;
  if (spec.profilePath) {
    session = new Session();
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 200 });
    await session.post("Profiler.start");
  }

  // Connections the measured phase opened (Node's fetch, this thread; a blocking bridge's worker
  // is another thread, so it reports 0): reuse of keep-alive connections shows here.
  let connections = 0;
  const onConnect = (): void => {
    connections++;
  };
  diagnostics.subscribe("undici:client:connected", onConnect);
  const rssStart = process.memoryUsage.rss();
  let rssPeak = rssStart;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  }, 50);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const outcome = await runPool(spec.calls, spec.concurrency, contender.call, 0, t0);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  diagnostics.unsubscribe("undici:client:connected", onConnect);
  rssPeak = Math.max(rssPeak, process.memoryUsage.rss());

  if (spec.pauseAfterMeasure) {
    send({ type: "measured" });
    await resume;
  }

  if (session && spec.profilePath) {
    const { profile } = await session.post("Profiler.stop");
    await writeFile(spec.profilePath, JSON.stringify(profile));
    session.disconnect();
  }
  await contender.close();

  const completions = outcome.completions.sort((a, b) => a - b);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const result: ScenarioResult = {
    spec,
    wallMs,
    cpuMs,
    cpuUserMs: cpu.user / 1000,
    cpuSystemMs: cpu.system / 1000,
    cpuMsPerCall: cpuMs / spec.calls,
    overheadMsPerCall: wallMs / spec.calls - spec.latencyMs,
    rssStartMb: mb(rssStart),
    rssPeakMb: mb(rssPeak),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    completionP50Ms: percentile(completions, 50),
    completionP99Ms: percentile(completions, 99),
    ok: outcome.ok,
    failed: outcome.failed,
    connectionsOpened: connections,
  };
  if (contender.firstPartialMs && spec.concurrency === 1) {
    const sorted = contender.firstPartialMs.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
    if (sorted.length !== contender.firstPartialMs.length) throw new Error("a streamed call saw no first byte or no partial");
    result.firstPartialP50Ms = percentile(sorted, 50);
    result.firstPartialP99Ms = percentile(sorted, 99);
  }
  if (outcome.firstError !== undefined) result.firstError = outcome.firstError;
  return result;
}

process.once("message", (start: Message) => {
  let releaseGo: (m: unknown) => void = () => undefined;
  let releaseResume: (m: unknown) => void = () => undefined;
  const go = new Promise((resolve) => (releaseGo = resolve));
  const resume = new Promise((resolve) => (releaseResume = resolve));
  process.on("message", (m: Message) => {
    if (m.type === "go") releaseGo(m);
    else if (m.type === "resume") releaseResume(m);
  });
  run(start.spec as ScenarioSpec, String(start.openaiBaseUrl), go, resume)
    .then((result) => {
      // Exit once the result is on its way: idle keep-alive sockets would hold the process open.
      process.send?.({ type: "result", result }, () => process.exit(0));
    })
    .catch(reportFatal);
});
