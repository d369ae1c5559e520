// A bounded chat load for the fault suite: `workers` clients, each sending one session turn after
// another until a time or a turn count runs out, with health probes alongside. Every turn and probe
// is recorded with its start, duration, status and body, so that a test can check each answer
// against the fault it ran into.

export interface TurnRecord {
  sessionId: string;
  message: string;
  /** ms since the load started. */
  startedAt: number;
  ms: number;
  /** HTTP status; 0 when no answer came (connection error or the client's own timeout). */
  status: number;
  body: string;
  /** Why no answer came. */
  error?: string;
}

/** One health probe: the same fields, without a session. */
export interface ProbeRecord {
  path: string;
  startedAt: number;
  ms: number;
  status: number;
  body: string;
  error?: string;
}

export interface ChatLoadOptions {
  url: string;
  /** Unique per run: the sessions of parallel runs never meet. */
  runId: string;
  workers: number;
  /** Hard cap on the load's length; stop() ends it sooner. */
  durationMs: number;
  /** Hard cap on turns over all workers. */
  maxTurns: number;
  /** A new session every this many turns of a worker: keeps each history short and under any retention limit. */
  turnsPerSession: number;
  /** The client gives up after this long: a request that hangs is recorded, not waited on forever. */
  clientTimeoutMs: number;
  /** Each path is probed (GET) one request after another, every `probeEveryMs`, for as long as the load runs. */
  probePaths?: readonly string[];
  probeEveryMs?: number;
}

export interface ChatLoad {
  /** ms since the load started. */
  now(): number;
  /** How many turns were answered 200 so far. */
  acknowledged(): number;
  /** No new turns from now on; `done` settles once the turns in flight have. */
  stop(): void;
  done: Promise<{ turns: TurnRecord[]; probes: ProbeRecord[] }>;
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message} ${String((err as { cause?: unknown }).cause ?? "")}` : String(err);
}

export function startChatLoad(o: ChatLoadOptions): ChatLoad {
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const records: TurnRecord[] = [];
  let started = 0;
  let stopped = false;
  const worker = async (w: number): Promise<void> => {
    for (let n = 0; !stopped && now() < o.durationMs && started < o.maxTurns; n++) {
      started += 1;
      const sessionId = `${o.runId}-w${w}-s${Math.floor(n / o.turnsPerSession)}`;
      const message = `${o.runId} w${w} t${n}`;
      const startedAt = now();
      try {
        const res = await fetch(`${o.url}/api/chat/${sessionId}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ message }),
          signal: AbortSignal.timeout(o.clientTimeoutMs),
        });
        const body = await res.text();
        records.push({ sessionId, message, startedAt, ms: now() - startedAt, status: res.status, body });
      } catch (err) {
        const error =
          err instanceof Error ? `${err.name}: ${err.message} ${String((err as { cause?: unknown }).cause ?? "")}` : String(err);
        records.push({ sessionId, message, startedAt, ms: now() - startedAt, status: 0, body: "", error });
      }
    }
  };
  const probes: ProbeRecord[] = [];
  const prober = async (path: string): Promise<void> => {
    while (!stopped && now() < o.durationMs) {
      const startedAt = now();
      try {
        const res = await fetch(`${o.url}${path}`, { signal: AbortSignal.timeout(o.clientTimeoutMs) });
        const body = await res.text();
        probes.push({ path, startedAt, ms: now() - startedAt, status: res.status, body });
      } catch (err) {
        probes.push({ path, startedAt, ms: now() - startedAt, status: 0, body: "", error: describe(err) });
      }
      await new Promise((r) => setTimeout(r, o.probeEveryMs ?? 100));
    }
  };
  const byStart = <T extends { startedAt: number }>(list: T[]) => list.sort((a, b) => a.startedAt - b.startedAt);
  const done = Promise.all([
    ...Array.from({ length: o.workers }, (_, w) => worker(w)),
    ...(o.probePaths ?? []).map((path) => prober(path)),
  ]).then(() => ({ turns: byStart(records), probes: byStart(probes) }));
  return {
    now,
    acknowledged: () => records.filter((r) => r.status === 200).length,
    stop: () => {
      stopped = true;
    },
    done,
  };
}
