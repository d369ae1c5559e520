// What one measured scenario is, and what it reports.

/**
 * - raw:      the `openai` SDK, async, `concurrency` calls in flight (the floor for runAsync)
 * - async:    agent.runAsync()
 * - sync:     agent.run(); callers may be "concurrent" but each call blocks the thread, so they queue
 * - raw-sync: the raw SDK behind a hand-written worker + Atomics.wait bridge (the floor for run())
 * - raw-lean: an experiment: the raw SDK with a node:http `fetch` (lean-fetch.ts) instead of Node's fetch
 * - floor:    the bare floor: keep-alive node:http POST of the raw SDK's body, JSON.parse, a two-field check
 * - tool-raw:   one tool cycle (two requests) in a hand-written loop on the raw SDK (raw-tool-loop.ts)
 * - tool-async: the same cycle through agent.runAsync() with one tool() (tool-agent.ts)
 * - stream-async, stream-raw, stream-floor: one streamed call, partial objects read as they come (stream-contenders.ts)
 */
export type Mode =
  | "raw"
  | "async"
  | "sync"
  | "raw-sync"
  | "raw-lean"
  | "floor"
  | "tool-raw"
  | "tool-async"
  | "stream-async"
  | "stream-raw"
  | "stream-floor";

export const MODE_LABEL: Record<Mode, string> = {
  raw: "raw SDK",
  async: "runAsync",
  sync: "run",
  "raw-sync": "raw SDK, blocking bridge",
  "raw-lean": "raw SDK, node:http fetch (experiment)",
  floor: "bare floor (node:http + JSON.parse)",
  "tool-raw": "raw SDK, hand-written tool loop",
  "tool-async": "runAsync with one tool()",
  "stream-async": "Kaizen streamAsync",
  "stream-raw": "raw SDK stream: true + its partial JSON parser",
  "stream-floor": "bare floor: node:http SSE + flat-object scanner",
};

export interface ScenarioSpec {
  mode: Mode;
  /** Calls measured. */
  calls: number;
  /** Calls in flight at once (the pool size); for blocking modes the callers queue. */
  concurrency: number;
  /** Fake LLM latency during the measured phase. */
  latencyMs: number;
  /** Calls made at 0 ms latency before measuring (JIT, connection pool); not measured. */
  warmupCalls: number;
  /** Write a CPU profile of the measured phase (main thread) to this path. */
  profilePath?: string;
  /**
   * After the measured phase, send "measured" and wait for "resume" before tearing down: the
   * instruction-count run dumps callgrind's counters in between (run-callgrind.ts).
   */
  pauseAfterMeasure?: boolean;
}

export interface ScenarioResult {
  spec: ScenarioSpec;
  wallMs: number;
  /** Client process CPU (all threads: the sync bridges' workers count), user + system. */
  cpuMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  cpuMsPerCall: number;
  /** Wall time per call minus the latency, for sequential (blocking) modes. */
  overheadMsPerCall: number;
  /** RSS when the measured phase began. */
  rssStartMb: number;
  /** Highest RSS seen during the measured phase (sampled every 50 ms and at the end). */
  rssPeakMb: number;
  /** The process's lifetime peak (getrusage maxrss): includes warm-up. */
  maxRssMb: number;
  /** When results arrived, from the start of the measured phase. */
  completionP50Ms: number;
  completionP99Ms: number;
  ok: number;
  failed: number;
  /** Connections Node's fetch opened on the calling thread during the measured phase. */
  connectionsOpened: number;
  /**
   * Streaming modes at concurrency 1: from the response's first byte (the client's HTTP parser
   * read the headers) to the first partial object with the answer field, per call.
   */
  firstPartialP50Ms?: number;
  firstPartialP99Ms?: number;
  firstError?: string;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return percentile(s, 50);
}
