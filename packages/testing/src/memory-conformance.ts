// The memory conformance suite: every built-in backend runs it, and so can yours:
//
//   import { runMemoryConformance } from "@kaizen/testing/conformance";
//   runMemoryConformance({ name: "my-store", create: (retention) => new MyMemory({ ...retention }) });
//
// It registers vitest `describe`/`it` blocks, so call it at the top level of a test file.
// Every test uses fresh random session ids, so parallel runs and data left by earlier runs of a
// shared server (Redis, Postgres) do not interfere.
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { estimateTurnTokens } from "@kaizen/memory";
import type { Memory, NewTurn, RetentionOptions, Turn } from "@kaizen/memory";
import type { TurnExchange } from "@kaizen/contracts";

export interface MemoryConformanceOptions {
  /** Shown in the describe block, e.g. "sqlite". */
  name: string;
  /** A fresh instance, honouring the retention options when given. Each call may share storage with earlier ones or not (see `shared`). */
  create: (retention?: RetentionOptions) => Memory | Promise<Memory>;
  /** The backend offers load/append/clear synchronously; checks they behave like the async ones. */
  sync?: boolean;
  /** The backend honours `ttlMs` (checked with a TTL of about a second). Default true. */
  supportsTtl?: boolean;
  /** Two instances from `create()` see the same data (a file or a server): checks concurrent appends across instances. */
  shared?: boolean;
  /** How many concurrent appends the concurrency check makes. Default 100. */
  concurrency?: number;
}

/** Registers the memory conformance tests for one backend. */
export function runMemoryConformance(options: MemoryConformanceOptions): void {
  const { name, sync = false, supportsTtl = true, shared = false, concurrency = 100 } = options;
  const runId = randomUUID().slice(0, 8);
  let counter = 0;
  const session = (label: string): string => `conf-${runId}-${label}-${++counter}`;

  describe(`memory conformance: ${name}`, () => {
    const opened: Memory[] = [];
    const create = async (retention?: RetentionOptions): Promise<Memory> => {
      const memory = await options.create(retention);
      opened.push(memory);
      return memory;
    };
    afterEach(async () => {
      const toClose = opened.splice(0);
      for (const memory of toClose) await memory.close();
    });

    it("has a kind and the async calls", async () => {
      const memory = await create();
      expect(typeof memory.kind).toBe("string");
      expect(memory.kind.length).toBeGreaterThan(0);
      for (const method of ["loadAsync", "appendAsync", "clearAsync", "close"] as const) {
        expect(typeof memory[method]).toBe("function");
      }
    });

    it("returns the stored turn from appendAsync: unique id, seq, sessionId, createdAt", async () => {
      const memory = await create();
      const id = session("append");
      const before = Date.now();
      const turn = await memory.appendAsync(id, {
        inputs: { question: "q1" },
        outputs: { answer: "a1" },
        metadata: { model: "m" },
      });
      const after = Date.now();
      expect(turn.sessionId).toBe(id);
      expect(turn.seq).toBe(1);
      expect(typeof turn.id).toBe("string");
      expect(turn.id.length).toBeGreaterThan(0);
      expect(turn.inputs).toEqual({ question: "q1" });
      expect(turn.outputs).toEqual({ answer: "a1" });
      expect(turn.metadata).toEqual({ model: "m" });
      expect(turn.createdAt).toBeGreaterThanOrEqual(before - 1000);
      expect(turn.createdAt).toBeLessThanOrEqual(after + 1000);
      const second = await memory.appendAsync(id, { inputs: { question: "q2" }, outputs: { answer: "a2" } });
      expect(second.seq).toBe(2);
      expect(second.id).not.toBe(turn.id);
      expect(second.metadata).toBeUndefined();
      const { turns } = await memory.loadAsync(id);
      expect(turns).toEqual([turn, second]);
    });

    it("loads an unknown session as no turns and no summary", async () => {
      const memory = await create();
      const context = await memory.loadAsync(session("unknown"));
      expect(context.turns).toEqual([]);
      expect(context.summary).toBeUndefined();
    });

    it("keeps order: seq 1..n, oldest first", async () => {
      const memory = await create();
      const id = session("order");
      for (let i = 1; i <= 7; i++) await memory.appendAsync(id, turnOf(i));
      const { turns } = await memory.loadAsync(id);
      expect(turns.map((t) => t.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(turns.map((t) => t.inputs["i"])).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(turns.every((t) => t.sessionId === id)).toBe(true);
    });

    it("round-trips JSON data exactly (unicode, nesting, arrays, numbers, null)", async () => {
      const memory = await create();
      const id = session("json");
      const inputs = {
        text: 'héllo wörld 你好 🎉 "quoted" \\ \n new line',
        nested: { a: [1, 2.5, -3e10, true, false, null], b: { c: "" } },
      };
      const outputs = { answer: "ok", confidence: 0.9, list: [{ x: 1 }, { y: [2] }], empty: {} };
      await memory.appendAsync(id, { inputs, outputs, metadata: { tags: ["a"], n: 0 } });
      const { turns } = await memory.loadAsync(id);
      expect(turns[0]?.inputs).toEqual(inputs);
      expect(turns[0]?.outputs).toEqual(outputs);
      expect(turns[0]?.metadata).toEqual({ tags: ["a"], n: 0 });
    });

    it("round-trips a turn's tool exchange (metadata.exchange): calls and results, in order, unchanged", async () => {
      const memory = await create();
      const id = session("exchange");
      const exchange: TurnExchange = [
        {
          role: "assistant",
          content: "",
          toolCalls: [
            { id: "call_1", name: "get_weather", arguments: '{"city":"Zürich"}' },
            { id: "call_2", name: "get_weather", arguments: '{"city": "Par' },
          ],
        },
        { role: "tool", toolCallId: "call_1", toolName: "get_weather", content: '{"tempC":21,"sky":"☀"}' },
        { role: "tool", toolCallId: "call_2", toolName: "get_weather", content: "Invalid input: not JSON", isError: true },
      ];
      await memory.appendAsync(id, {
        inputs: { q: "weather" },
        outputs: { answer: "sunny" },
        metadata: { model: "m", exchange },
      });
      await memory.appendAsync(id, { inputs: { q: "next" }, outputs: { answer: "ok" } });
      const { turns } = await memory.loadAsync(id);
      expect(turns[0]?.metadata?.exchange).toEqual(exchange);
      expect(turns[1]?.metadata).toBeUndefined();
      if (sync) expect(memory.load!(id).turns[0]?.metadata?.exchange).toEqual(exchange);
    });

    it("isolates sessions: two sessions never see each other's turns", async () => {
      const memory = await create();
      const a = session("iso-a");
      const b = session("iso-b");
      for (let i = 1; i <= 4; i++) {
        await memory.appendAsync(a, { inputs: { who: "a", i }, outputs: {} });
        await memory.appendAsync(b, { inputs: { who: "b", i }, outputs: {} });
      }
      const ctxA = await memory.loadAsync(a);
      const ctxB = await memory.loadAsync(b);
      expect(ctxA.turns.map((t) => t.inputs["who"])).toEqual(["a", "a", "a", "a"]);
      expect(ctxB.turns.map((t) => t.inputs["who"])).toEqual(["b", "b", "b", "b"]);
      expect(ctxA.turns.map((t) => t.seq)).toEqual([1, 2, 3, 4]);
      expect(ctxB.turns.map((t) => t.seq)).toEqual([1, 2, 3, 4]);
      const ids = new Set([...ctxA.turns, ...ctxB.turns].map((t) => t.id));
      expect(ids.size).toBe(8);
      await memory.clearAsync(a);
      expect((await memory.loadAsync(a)).turns).toEqual([]);
      expect((await memory.loadAsync(b)).turns).toHaveLength(4);
    });

    it("clears a session, and the session can be used again", async () => {
      const memory = await create();
      const id = session("clear");
      for (let i = 1; i <= 3; i++) await memory.appendAsync(id, turnOf(i));
      await memory.clearAsync(id);
      expect((await memory.loadAsync(id)).turns).toEqual([]);
      await memory.clearAsync(id); // clearing an empty session is fine
      const again = await memory.appendAsync(id, turnOf(99));
      const { turns } = await memory.loadAsync(id);
      expect(turns).toEqual([again]);
      await memory.clearAsync(session("never-used"));
    });

    it(`keeps every one of ${concurrency} concurrent appends to one session, seq 1..${concurrency} with no gaps or duplicates`, async () => {
      const memory = await create();
      const id = session("concurrent");
      const appended = await Promise.all(Array.from({ length: concurrency }, (_, i) => memory.appendAsync(id, turnOf(i))));
      expect(appended.map((t) => t.seq).sort((x, y) => x - y)).toEqual(range(1, concurrency));
      expect(new Set(appended.map((t) => t.id)).size).toBe(concurrency);
      const { turns } = await memory.loadAsync(id);
      expect(turns.map((t) => t.seq)).toEqual(range(1, concurrency));
      // Each stored turn is the one its append call was told about.
      const bySeq = new Map(appended.map((t) => [t.seq, t]));
      for (const turn of turns) expect(turn).toEqual(bySeq.get(turn.seq));
    });

    if (shared) {
      it("keeps one order when two instances append to the same session concurrently", async () => {
        const first = await create();
        const second = await create();
        const id = session("two-instances");
        const half = Math.max(1, Math.floor(concurrency / 2));
        const appended = await Promise.all(
          Array.from({ length: half * 2 }, (_, i) => (i % 2 === 0 ? first : second).appendAsync(id, turnOf(i))),
        );
        expect(appended.map((t) => t.seq).sort((x, y) => x - y)).toEqual(range(1, half * 2));
        const fromFirst = await first.loadAsync(id);
        const fromSecond = await second.loadAsync(id);
        expect(fromFirst.turns.map((t) => t.seq)).toEqual(range(1, half * 2));
        expect(fromSecond.turns).toEqual(fromFirst.turns);
      });
    }

    it("keeps at most maxTurns turns per session, dropping the oldest", async () => {
      const memory = await create({ maxTurns: 3 });
      const id = session("retention");
      const other = session("retention-other");
      for (let i = 1; i <= 6; i++) await memory.appendAsync(id, turnOf(i));
      await memory.appendAsync(other, turnOf(1));
      const { turns } = await memory.loadAsync(id);
      expect(turns.map((t) => t.seq)).toEqual([4, 5, 6]);
      expect(turns.map((t) => t.inputs["i"])).toEqual([4, 5, 6]);
      expect((await memory.loadAsync(other)).turns).toHaveLength(1);
      // seq keeps counting after retention dropped turns.
      expect((await memory.appendAsync(id, turnOf(7))).seq).toBe(7);
    });

    if (supportsTtl) {
      it("drops a session once its TTL after the last append has passed", async () => {
        const memory = await create({ ttlMs: 1000 });
        const id = session("ttl");
        const kept = session("ttl-refreshed");
        await memory.appendAsync(id, turnOf(1));
        await memory.appendAsync(kept, turnOf(1));
        expect((await memory.loadAsync(id)).turns).toHaveLength(1);
        await sleep(600);
        await memory.appendAsync(kept, turnOf(2)); // refreshes the TTL of `kept` only
        await sleep(650);
        expect((await memory.loadAsync(id)).turns).toEqual([]);
        expect((await memory.loadAsync(kept)).turns.map((t) => t.inputs["i"])).toEqual([1, 2]);
        await sleep(1200);
        expect((await memory.loadAsync(kept)).turns).toEqual([]);
        const fresh = await memory.appendAsync(id, turnOf(3));
        expect((await memory.loadAsync(id)).turns).toEqual([fresh]);
      });
    }

    it("loads the latest turns within maxTurns and maxTokens", async () => {
      const memory = await create();
      const id = session("budget");
      const appended: Turn[] = [];
      for (let i = 1; i <= 5; i++)
        appended.push(await memory.appendAsync(id, { inputs: { text: "x".repeat(40 * i) }, outputs: { i } }));
      expect((await memory.loadAsync(id, { maxTurns: 2 })).turns.map((t) => t.seq)).toEqual([4, 5]);
      expect((await memory.loadAsync(id, { maxTurns: 0 })).turns).toEqual([]);
      expect((await memory.loadAsync(id, { maxTurns: 50 })).turns).toHaveLength(5);
      const lastTwo = estimateTurnTokens(appended[3] as Turn) + estimateTurnTokens(appended[4] as Turn);
      expect((await memory.loadAsync(id, { maxTokens: lastTwo })).turns.map((t) => t.seq)).toEqual([4, 5]);
      expect((await memory.loadAsync(id, { maxTokens: lastTwo - 1 })).turns.map((t) => t.seq)).toEqual([5]);
      expect((await memory.loadAsync(id, { maxTokens: 1 })).turns).toEqual([]);
      expect((await memory.loadAsync(id, { maxTokens: 1_000_000, maxTurns: 3 })).turns.map((t) => t.seq)).toEqual([3, 4, 5]);
      expect((await memory.loadAsync(id, { maxTokens: lastTwo, maxTurns: 1 })).turns.map((t) => t.seq)).toEqual([5]);
    });

    it("rejects invalid session ids with SessionIdError, on every call", async () => {
      const memory = await create();
      const bad: unknown[] = ["", "has space", "a/b", "x".repeat(129), "ünïcode", 42, null, undefined];
      for (const id of bad) {
        await expect(memory.loadAsync(id as string)).rejects.toMatchObject({
          name: "SessionIdError",
          code: "invalid_session_id",
        });
        await expect(memory.appendAsync(id as string, turnOf(1))).rejects.toMatchObject({ name: "SessionIdError" });
        await expect(memory.clearAsync(id as string)).rejects.toMatchObject({ name: "SessionIdError" });
      }
      const err = await memory.loadAsync("has space").catch((e: unknown) => e);
      expect(String((err as Error).message)).toMatch(/A-Z a-z 0-9/);
      const base = session("ok");
      const good = [`${base}:user@example.com`, `${base}.UUID_1-2`, `${base}`.padEnd(128, "x")];
      for (const id of good) {
        const turn = await memory.appendAsync(id, turnOf(1));
        expect(turn.sessionId).toBe(id);
        await memory.clearAsync(id);
      }
    });

    it("rejects a turn whose inputs or outputs are not objects, storing nothing", async () => {
      const memory = await create();
      const id = session("bad-turn");
      await expect(memory.appendAsync(id, { inputs: "text", outputs: {} } as unknown as NewTurn)).rejects.toThrow(/inputs/);
      await expect(memory.appendAsync(id, { inputs: {}, outputs: null } as unknown as NewTurn)).rejects.toThrow(/outputs/);
      expect((await memory.loadAsync(id)).turns).toEqual([]);
    });

    it("honours an already aborted signal", async () => {
      const memory = await create();
      const id = session("abort");
      const signal = AbortSignal.abort();
      await expect(memory.appendAsync(id, turnOf(1), { signal })).rejects.toMatchObject({ name: "AbortError" });
      await expect(memory.loadAsync(id, { signal })).rejects.toMatchObject({ name: "AbortError" });
      expect((await memory.loadAsync(id)).turns).toEqual([]);
    });

    it("stores a summary when the backend offers summary storage", async () => {
      const memory = await create();
      if (!memory.saveSummaryAsync || !memory.loadSummaryAsync) return;
      const id = session("summary");
      expect(await memory.loadSummaryAsync(id)).toBeUndefined();
      await memory.appendAsync(id, turnOf(1));
      await memory.saveSummaryAsync(id, { text: "talked about 1", throughSeq: 1 });
      expect(await memory.loadSummaryAsync(id)).toMatchObject({ text: "talked about 1", throughSeq: 1 });
      expect((await memory.loadAsync(id)).summary).toBe("talked about 1");
      await memory.saveSummaryAsync(id, { text: "stale", throughSeq: 0 }); // an older fold never wins
      expect((await memory.loadSummaryAsync(id))?.text).toBe("talked about 1");
      await memory.saveSummaryAsync(id, { text: "newer", throughSeq: 2 });
      expect((await memory.loadAsync(id)).summary).toBe("newer");
      await memory.clearAsync(id);
      expect(await memory.loadSummaryAsync(id)).toBeUndefined();
      expect((await memory.loadAsync(id)).summary).toBeUndefined();
    });

    it("close() is idempotent", async () => {
      const memory = await create();
      await memory.appendAsync(session("close"), turnOf(1));
      await memory.close();
      await memory.close();
    });

    if (sync) {
      it("offers load/append/clear synchronously, in parity with the async calls", async () => {
        const memory = await create();
        const { load, append, clear } = memory;
        if (!load || !append || !clear) throw new Error(`${name}: sync is true but load/append/clear are missing`);
        const id = session("sync");
        const first = memory.append!(id, turnOf(1));
        expect(first).not.toBeInstanceOf(Promise);
        expect(first.seq).toBe(1);
        const second = await memory.appendAsync(id, turnOf(2));
        const third = memory.append!(id, turnOf(3));
        expect(third.seq).toBe(3);
        const syncLoad = memory.load!(id);
        expect(syncLoad).not.toBeInstanceOf(Promise);
        expect(syncLoad.turns).toEqual([first, second, third]);
        expect(await memory.loadAsync(id)).toEqual(syncLoad);
        expect(memory.load!(id, { maxTurns: 1 }).turns).toEqual([third]);
        expect(() => memory.load!("bad id")).toThrow(expect.objectContaining({ name: "SessionIdError" }) as Error);
        expect(() => memory.append!("", turnOf(1))).toThrow(expect.objectContaining({ name: "SessionIdError" }) as Error);
        memory.clear!(id);
        expect(memory.load!(id).turns).toEqual([]);
        expect((await memory.loadAsync(id)).turns).toEqual([]);
      });
    }
  });
}

function turnOf(i: number): NewTurn {
  return { inputs: { i, question: `question ${i}` }, outputs: { answer: `answer ${i}` } };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, k) => from + k);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
