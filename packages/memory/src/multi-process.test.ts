// Several processes on one session: 100 concurrent appends from each of two child processes lose
// nothing and keep one order, for SQLite (one file), Redis and Postgres (one session on the real
// local servers). And the SIGKILL test: a child killed mid-write leaves a SQLite file that passes
// integrity_check and holds every turn the child saw acknowledged.
import { join } from "node:path";
import { isolatedStores } from "./__fixtures__/isolated-stores.js";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { startWorker, twoProcessBurst } from "./__fixtures__/workers.js";
import type { BurstResult } from "./__fixtures__/workers.js";
import { PostgresMemory } from "./postgres-memory.js";
import { RedisMemory } from "./redis-memory.js";
import { SqliteMemory } from "./sqlite-memory.js";
import type { Memory } from "./types.js";

const { runId, dir, redisPrefix, pgTable } = isolatedStores("mp");

const PER_WORKER = 100;

async function expectOneOrder(memory: Memory, sessionId: string, results: BurstResult[]): Promise<void> {
  // The two bursts really overlapped in time: each started before the other had finished.
  expect(Math.max(...results.map((r) => r.startedAt))).toBeLessThan(Math.min(...results.map((r) => r.finishedAt)));
  const seqsByWorker = results.map((r) => r.seqs);
  const all = seqsByWorker.flat().sort((a, b) => a - b);
  expect(all).toEqual(Array.from({ length: PER_WORKER * 2 }, (_, i) => i + 1));
  const { turns } = await memory.loadAsync(sessionId);
  expect(turns.map((t) => t.seq)).toEqual(all);
  // Both processes really interleaved on the session, and each stored turn is where its worker was told.
  const workers = new Set(turns.map((t) => t.inputs["worker"]));
  expect(workers.size).toBe(2);
  if (process.env["KAIZEN_DEBUG_INTERLEAVE"]) {
    const switches = turns.filter((t, i) => i > 0 && t.inputs["worker"] !== turns[i - 1]?.inputs["worker"]).length;
    console.log(`${memory.kind}: the order switches ${switches} times between the two processes`);
  }
  for (const [index, seqs] of seqsByWorker.entries()) {
    const worker = turns.find((t) => t.seq === seqs[0])?.inputs["worker"];
    const mine = turns.filter((t) => t.inputs["worker"] === worker);
    expect(mine.map((t) => t.seq)).toEqual([...(seqsByWorker[index] ?? [])].sort((a, b) => a - b));
    expect(new Set(mine.map((t) => t.inputs["i"])).size).toBe(PER_WORKER);
  }
  expect(new Set(turns.map((t) => t.id)).size).toBe(PER_WORKER * 2);
}

describe("two processes appending to one session", () => {
  it("SQLite (one file): 2 x 100 concurrent appends, nothing lost, one order", async () => {
    const path = join(dir, "two-processes.db");
    const seqs = await twoProcessBurst("sqlite", { path }, "shared-session", PER_WORKER);
    const memory = new SqliteMemory({ path });
    try {
      await expectOneOrder(memory, "shared-session", seqs);
    } finally {
      await memory.close();
    }
  }, 60_000);

  it("Redis: 2 x 100 concurrent appends, nothing lost, one order", async () => {
    const sessionId = `mp-${runId}`;
    const seqs = await twoProcessBurst("redis", { keyPrefix: redisPrefix }, sessionId, PER_WORKER);
    const memory = new RedisMemory({ keyPrefix: redisPrefix });
    try {
      await expectOneOrder(memory, sessionId, seqs);
    } finally {
      await memory.close();
    }
  }, 60_000);

  it("Postgres: 2 x 100 concurrent appends, nothing lost, one order (both processes migrate the new table at once)", async () => {
    const sessionId = `mp-${runId}`;
    const seqs = await twoProcessBurst("postgres", { table: pgTable }, sessionId, PER_WORKER);
    const memory = new PostgresMemory({ table: pgTable });
    try {
      await expectOneOrder(memory, sessionId, seqs);
    } finally {
      await memory.close();
    }
  }, 60_000);
});

describe("SQLite and SIGKILL", () => {
  // NORMAL too: in WAL mode it only risks commits on an OS crash or power loss, never on a process kill.
  it.each(["FULL", "NORMAL"] as const)(
    "synchronous=%s: a child killed with SIGKILL mid-writes leaves an intact file holding every acknowledged turn",
    async (synchronous) => {
      const path = join(dir, `sigkill-${synchronous}.db`);
      const worker = startWorker("sqlite", { path, synchronous }, "killed", 0, "loop");
      try {
        await worker.waitFor("ready");
        // Let it write for a while, then kill it without warning in the middle of its loop.
        await worker.waitFor("ack 300", 30_000);
        worker.child.kill("SIGKILL");
        const { signal } = await worker.exited;
        expect(signal).toBe("SIGKILL");
      } finally {
        if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill("SIGKILL");
      }
      const acked = worker.lines.filter((l) => l.startsWith("ack ")).map((l) => Number(l.slice(4)));
      expect(acked.length).toBeGreaterThanOrEqual(300);
      expect(acked).toEqual(Array.from({ length: acked.length }, (_, i) => i + 1));

      const db = new Database(path);
      try {
        expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      } finally {
        db.close();
      }
      const memory = new SqliteMemory({ path });
      try {
        const { turns } = memory.load("killed");
        const stored = turns.map((t) => t.seq);
        if (process.env["KAIZEN_DEBUG_INTERLEAVE"])
          console.log(`SIGKILL (${synchronous}): ${acked.length} acknowledged, ${stored.length} stored`);
        // Every acknowledged turn is there, in order (turns committed but not yet reported may follow).
        expect(stored.slice(0, acked.length)).toEqual(acked);
        expect(stored).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
        // And the file takes new writes after the crash.
        expect(memory.append("killed", { inputs: { after: true }, outputs: {} }).seq).toBe(stored.length + 1);
      } finally {
        await memory.close();
      }
    },
    60_000,
  );
});
