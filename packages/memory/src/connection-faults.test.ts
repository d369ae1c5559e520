// Backend faults against servers this file starts itself (own port, own data dir): the process
// must live, every operation must settle typed within its deadline + 1 s, and the store must
// recover on its own once the server is back.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OwnServer, startPostgres, startRedis } from "./__fixtures__/own-servers.js";
import { MemoryConnectionError } from "./errors.js";
import { PostgresMemory } from "./postgres-memory.js";
import { RedisMemory } from "./redis-memory.js";

const turn = (text: string) => ({ inputs: { question: text }, outputs: { answer: text } });

/** Rejection of `promise` and how long it took to arrive. */
async function rejection(promise: Promise<unknown>): Promise<{ err: unknown; ms: number }> {
  const started = performance.now();
  try {
    await promise;
  } catch (err) {
    return { err, ms: performance.now() - started };
  }
  throw new Error("expected the operation to reject");
}

/**
 * For an operation that must fail later, after the test has done more awaiting: attached at once,
 * so that a rejection coming before the test looks again is never an unhandled one.
 */
function track(promise: Promise<unknown>): Promise<{ rejected: boolean; err: unknown; at: number }> {
  return promise.then(
    () => ({ rejected: false, err: undefined, at: performance.now() }),
    (err: unknown) => ({ rejected: true, err, at: performance.now() }),
  );
}

describe("RedisMemory under faults", () => {
  let server: OwnServer;
  let memory: RedisMemory;
  beforeAll(async () => {
    server = await startRedis();
    memory = new RedisMemory({ url: server.url, keyPrefix: "faults:" });
  });
  afterAll(async () => {
    await memory?.close();
    await server?.stop();
  });

  it("honours the deadline while the server is paused (SIGSTOP), then recovers", async () => {
    await memory.appendAsync("paused", turn("before"));
    server.signal("SIGSTOP");
    try {
      const { err, ms } = await rejection(memory.appendAsync("paused", turn("during"), { signal: AbortSignal.timeout(300) }));
      expect((err as Error).name).toBe("TimeoutError");
      expect(ms).toBeLessThan(1300);
      const load = await rejection(memory.loadAsync("paused", { signal: AbortSignal.timeout(300) }));
      expect(load.ms).toBeLessThan(1300);
    } finally {
      server.signal("SIGCONT");
    }
    const { turns } = await memory.loadAsync("paused");
    expect(turns[0]?.inputs).toEqual({ question: "before" });
  });

  it("settles a command in flight when the server dies, typed, and reconnects to a new one", async () => {
    await memory.appendAsync("killed", turn("one"));
    server.signal("SIGSTOP");
    const inFlight = track(memory.appendAsync("killed", turn("lost")));
    await new Promise((r) => setTimeout(r, 100));
    const cut = performance.now();
    server.signal("SIGKILL");
    const { rejected, err, at } = await inFlight;
    expect(rejected).toBe(true);
    expect(err).toBeInstanceOf(MemoryConnectionError);
    expect(at).toBeGreaterThanOrEqual(cut);
    expect(at - cut).toBeLessThan(1000);
    await server.restart();
    const stored = await memory.appendAsync("killed", turn("after restart"));
    expect(stored.seq).toBe(1);
  });

  it("gets past CLIENT KILL of its connection by itself (a read on the dead socket is retried once)", async () => {
    const { Redis } = await import("ioredis");
    const admin = new Redis(server.url);
    try {
      await memory.appendAsync("cut", turn("one"));
      await admin.client("KILL", "TYPE", "normal", "SKIPME", "yes");
      const { turns } = await memory.loadAsync("cut");
      expect(turns.map((t) => t.seq)).toEqual([1]);
      const next = await memory.appendAsync("cut", turn("two"));
      expect(next.seq).toBe(2);
    } finally {
      admin.disconnect();
    }
  });
});

describe("PostgresMemory under faults", () => {
  let server: OwnServer;
  let memory: PostgresMemory;
  let admin: pg.Client;
  beforeAll(async () => {
    server = await startPostgres();
    memory = new PostgresMemory({ connectionString: server.url, table: "faults" });
    await memory.migrate();
    admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
  }, 30_000);
  afterAll(async () => {
    await admin?.end();
    await memory?.close();
    await server?.stop();
  });

  it("honours the deadline on a locked table and rolls the append back", async () => {
    await memory.appendAsync("locked", turn("one"));
    await admin.query("BEGIN");
    await admin.query('LOCK TABLE "public"."faults_sessions" IN ACCESS EXCLUSIVE MODE');
    try {
      const { err, ms } = await rejection(memory.appendAsync("locked", turn("blocked"), { signal: AbortSignal.timeout(300) }));
      expect((err as Error).name).toBe("TimeoutError");
      expect(ms).toBeLessThan(1300);
    } finally {
      await admin.query("ROLLBACK");
    }
    const next = await memory.appendAsync("locked", turn("two"));
    expect(next.seq).toBe(2);
  });

  it("types a checked-out client whose connection dropped before its next query ('not queryable') as a connection error", async () => {
    // The load's two queries, or an append's BEGIN..COMMIT, run on one checked-out client: a drop
    // between two of them leaves pg's "Client has encountered a connection error and is not queryable".
    const real = new pg.Pool({ connectionString: server.url, max: 2 });
    real.on("error", () => undefined);
    let dropNext = false;
    const pool = {
      get totalCount() {
        return real.totalCount;
      },
      async connect() {
        const client = await real.connect();
        if (dropNext) {
          dropNext = false;
          const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
          // on, not once: a dead socket may report more than one error, and each must stay handled.
          const dropped = new Promise((resolve) => client.on("error", resolve));
          await admin.query("SELECT pg_terminate_backend($1)", [rows[0]?.pid]);
          await dropped;
        }
        return client;
      },
      query: real.query.bind(real),
      end: () => real.end(),
    };
    const own = new PostgresMemory({ pool, table: "faults" });
    try {
      await own.migrate();
      dropNext = true;
      const { err } = await rejection(own.loadAsync("not-queryable"));
      expect(err).toBeInstanceOf(MemoryConnectionError);
      expect((await own.loadAsync("not-queryable")).turns).toEqual([]);
    } finally {
      await own.close();
      await real.end();
    }
  });

  it("survives pg_terminate_backend of a transaction in flight: typed error, no crash, recovers", async () => {
    await admin.query("BEGIN");
    await admin.query('LOCK TABLE "public"."faults_sessions" IN ACCESS EXCLUSIVE MODE');
    const inFlight = track(memory.appendAsync("terminated", turn("cut")));
    // Wait until the append's transaction is waiting on the lock, then cut every other backend.
    for (let i = 0; i < 100; i++) {
      const waiting = await admin.query(
        "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
      );
      if (waiting.rowCount) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const cut = performance.now();
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
    );
    // The append may fail before that query's answer is back: `track` was listening already.
    const { rejected, err, at } = await inFlight;
    await admin.query("ROLLBACK");
    expect(rejected).toBe(true);
    expect(err).toBeInstanceOf(MemoryConnectionError);
    expect(at).toBeGreaterThanOrEqual(cut);
    expect(at - cut).toBeLessThan(1000);
    const stored = await memory.appendAsync("terminated", turn("after"));
    expect(stored.seq).toBe(1);
  });
});
