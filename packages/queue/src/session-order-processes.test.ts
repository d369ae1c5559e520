// Order within a session across real worker processes: the fake server's arrival order is the
// judge, with one session's item failing once (retried after a backoff) in the middle.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLLMServer } from "@kaizen/testing";
import type { FakeLLMServer, RecordedRequest } from "@kaizen/testing";
import { KaizenQueue } from "./index.js";
import type { KaizenQueueOptions } from "./index.js";
import { isolatedPrefix, REDIS_URL } from "./__fixtures__/isolated-queue.js";
import { startWorkerProcess, stopWorkerProcess } from "./__fixtures__/processes.js";
import type { ChildHandle } from "./__fixtures__/processes.js";
import type { QAInputs, QAOutputs } from "./__fixtures__/qa-signature.js";

const SESSIONS = 6;
const TURNS = 8;
const prefix = isolatedPrefix("sessions");
const options: KaizenQueueOptions = {
  name: "sessions",
  connection: REDIS_URL,
  prefix,
  backoff: { baseDelayMs: 100, maxDelayMs: 200 },
};
let server: FakeLLMServer;
let queue: KaizenQueue<QAInputs, QAOutputs>;
const children: ChildHandle[] = [];

beforeAll(async () => {
  server = await startFakeLLMServer();
  queue = new KaizenQueue<QAInputs, QAOutputs>(options);
  const started = await Promise.all(
    Array.from({ length: 2 }, () =>
      startWorkerProcess({ queue: options, work: { concurrency: 4 }, baseUrl: server.openaiBaseUrl, latencyMs: 5 }),
    ),
  );
  children.push(...started);
}, 120_000);
afterAll(async () => {
  await Promise.all(children.map((c) => stopWorkerProcess(c)));
  await queue.close();
  await server.close();
});

// Interleaved: item i is turn floor(i / SESSIONS) of session i % SESSIONS, plus one item without a session.
const inputs: QAInputs[] = Array.from({ length: SESSIONS * TURNS }, (_, i) => ({
  question: `Session ${i % SESSIONS}, turn ${Math.floor(i / SESSIONS)}: what is ${i} + 1000?`,
}));
const sessionOf = (inputs: QAInputs) => /^Session (\d+)/.exec(inputs.question)?.[1];

/** The session and turn a request asked about: its last user message (earlier turns may precede it). */
function turnOf(request: RecordedRequest): { session: number; turn: number; worker: string } {
  const messages = (request.body as { messages: { role: string; content: string }[] }).messages;
  const last = messages.filter((m) => m.role === "user").at(-1)?.content ?? "";
  const match = /Session (\d+), turn (\d+)/.exec(last);
  if (match === null) throw new Error(`no session in ${last}`);
  return { session: Number(match[1]), turn: Number(match[2]), worker: request.headers["x-test-worker"] ?? "" };
}

describe("sessionId across worker processes", () => {
  it("each session's items reach the provider in input order, across 2 workers, a retried item included", async () => {
    server.fault({ type: "server_error", status: 503 }, { match: (r) => JSON.stringify(r.body).includes("Session 2, turn 3:") });
    const batchId = await queue.submit(inputs, { sessionId: sessionOf });
    const results = await queue.results(batchId, { pollIntervalMs: 50 });
    results.forEach((result, i) => {
      expect(result.status).toBe("fulfilled");
      if (result.status === "fulfilled") expect(result.value.answer).toContain(`= ${i + 1000}`);
    });

    const seen = server.requests.filter((r) => r.path.endsWith("/chat/completions")).map(turnOf);
    // Every item once, and the failed one a second time.
    expect(seen).toHaveLength(SESSIONS * TURNS + 1);
    for (let session = 0; session < SESSIONS; session++) {
      const turns = seen.filter((s) => s.session === session).map((s) => s.turn);
      // The retried turn 3 of session 2 is asked twice in a row, before turn 4 and after turn 2.
      const expected = Array.from({ length: TURNS }, (_, t) => (session === 2 && t === 3 ? [t, t] : [t])).flat();
      expect(turns, `session ${session}`).toEqual(expected);
    }
    // Across workers indeed: some session had turns answered by both processes.
    const crossed = Array.from(
      { length: SESSIONS },
      (_, session) => new Set(seen.filter((s) => s.session === session).map((s) => s.worker)),
    );
    expect(crossed.some((workers) => workers.size === 2)).toBe(true);
    // Sessions ran side by side, not one after another: the first turns of all arrived before any last one.
    const firstLast = seen.findIndex((s) => s.turn === TURNS - 1);
    expect(
      new Set(
        seen
          .slice(0, firstLast)
          .filter((s) => s.turn === 0)
          .map((s) => s.session),
      ).size,
    ).toBe(SESSIONS);
  }, 90_000);
});
