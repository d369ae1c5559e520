import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSse, startTestApp, TEST_API_KEY, type TestApp } from "./test-support/harness.js";

let t: TestApp;
let url: string;
beforeAll(async () => {
  // A pause between streamed chunks makes the partial answers observable over real HTTP.
  t = await startTestApp({ fake: { streamChunkDelayMs: 15 } });
  url = await t.app.listen({ port: 0, host: "127.0.0.1" });
});
afterAll(async () => {
  await t?.close();
});

async function stream(body: unknown, signal?: AbortSignal) {
  return fetch(`${url}/api/chat/stream`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify(body),
    signal,
  });
}

describe("POST /api/chat/stream (server-sent events)", () => {
  it("sends growing partial answers, then the final result equal to POST /api/chat's", async () => {
    const res = await stream({ message: "What is 2+2?" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const events = parseSse(await res.text());
    const partials = events.filter((e) => e.event === "partial").map((e) => (e.data as { response: string }).response);
    const last = events.at(-1);
    expect(last?.event).toBe("result");
    const result = last?.data as { response: string; confidence: number };
    expect(result.response).toContain("4");
    expect(result.confidence).toBeGreaterThanOrEqual(0);
    // At least two different non-empty renders, all before the result, each a prefix of the answer.
    const distinct = new Set(partials.filter((p) => p.length > 0));
    expect(distinct.size).toBeGreaterThanOrEqual(2);
    for (const p of distinct) expect(result.response.startsWith(p)).toBe(true);
    expect(events.findIndex((e) => e.event === "result")).toBe(events.length - 1);

    const plain = await fetch(`${url}/api/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: "What is 2+2?" }),
    });
    expect(await plain.json()).toEqual({ response: result.response, confidence: result.confidence });
  });

  it("saves the streamed turn to the session", async () => {
    const sessionId = `stream-${randomUUID()}`;
    const events = parseSse(await (await stream({ message: "What is 6*7?", sessionId })).text());
    expect(events.at(-1)).toMatchObject({ event: "result", data: { sessionId } });
    const history = (await (await fetch(`${url}/api/chat/${sessionId}/history`)).json()) as {
      turns: Array<{ response: string }>;
    };
    expect(history.turns).toHaveLength(1);
    expect(history.turns[0]?.response).toContain("42");
  });

  it("ends with an error event mapped like the JSON routes when the provider fails", async () => {
    t.fake.fault({ type: "auth" });
    const res = await stream({ message: "What is 2+2?" });
    expect(res.status).toBe(200);
    const text = await res.text();
    const events = parseSse(text);
    expect(events.at(-1)?.event).toBe("error");
    expect(events.at(-1)?.data).toMatchObject({ statusCode: 503 });
    expect(String((events.at(-1)?.data as { detail: string }).detail)).toMatch(/^Service error: /);
    expect(text).not.toContain(TEST_API_KEY);
  });

  it("answers a bad body with a plain 400 naming the field, not a stream", async () => {
    const res = await stream({ message: "" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toContain("body.message");
  });

  it("a client that disconnects cancels the upstream call: nothing is saved", async () => {
    const sessionId = `gone-${randomUUID()}`;
    t.fake.setStreamChunkDelay(50);
    try {
      const controller = new AbortController();
      const res = await stream({ message: "Tell me about the history of tea in great detail", sessionId }, controller.signal);
      const reader = res.body!.getReader();
      const first = await reader.read();
      expect(new TextDecoder().decode(first.value)).toContain("event: partial");
      controller.abort();
      // Long enough for the whole answer to have streamed, had the upstream call gone on.
      await sleep(2500);
      const history = (await (await fetch(`${url}/api/chat/${sessionId}/history`)).json()) as { turns: unknown[] };
      expect(history.turns).toEqual([]);
      expect(t.logs()).toContain("stream cancelled: the client went away");
    } finally {
      t.fake.setStreamChunkDelay(15);
    }
  });
});
