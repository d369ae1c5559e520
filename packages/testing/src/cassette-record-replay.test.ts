// Record a session through the recording proxy (real SDK clients, real HTTP, the fake server as
// the upstream API), then replay the cassette over real HTTP and get the same answers.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCassette, normaliseBody, parseSse, frameSse, type Cassette } from "./cassette.js";
import { startRecordingProxy } from "./cassette-recorder.js";
import { startReplayServer, type ReplayServer } from "./cassette-replay.js";
import { startFakeLLMServer } from "./fake-llm-server.js";
import type { FakeLLMServer } from "./fake-llm-types.js";

const OPENAI_KEY = "sk-proj-RECORDING-SECRET-0123456789abcdef";
const ANTHROPIC_KEY = "sk-ant-api03-RECORDING-SECRET-0123456789";
const ask = [{ role: "user" as const, content: "What is 6 times 7?" }];

interface Session {
  openaiText: string;
  openaiStreamText: string;
  openaiAuthError: string;
  anthropicText: string;
  anthropicStreamText: string;
}

/** One session through both SDKs, pointed at `url` (a proxy or the replay server). */
async function session(url: string): Promise<Session> {
  const openai = new OpenAI({ apiKey: OPENAI_KEY, baseURL: `${url}/v1`, maxRetries: 0 });
  const anthropic = new Anthropic({ apiKey: ANTHROPIC_KEY, baseURL: url, maxRetries: 0 });
  const completion = await openai.chat.completions.create({ model: "gpt-4o-mini", messages: ask });
  let openaiStreamText = "";
  const stream = await openai.chat.completions.create({ model: "gpt-4o-mini", messages: ask, stream: true });
  for await (const chunk of stream) openaiStreamText += chunk.choices[0]?.delta.content ?? "";
  const authError = await openai.chat.completions
    .create(
      { model: "gpt-4o-mini", messages: [{ role: "user", content: "auth please" }] },
      { headers: { "x-fake-fault": "auth" } },
    )
    .catch((e: unknown) => e as Error);
  const message = await anthropic.messages.create({ model: "claude-haiku-4-5", max_tokens: 64, messages: ask });
  let anthropicStreamText = "";
  const events = await anthropic.messages.create({ model: "claude-haiku-4-5", max_tokens: 64, messages: ask, stream: true });
  for await (const event of events) {
    if (event.type === "content_block_delta" && event.delta.type === "text_delta") anthropicStreamText += event.delta.text;
  }
  return {
    openaiText: completion.choices[0]?.message.content ?? "",
    openaiStreamText,
    openaiAuthError: authError instanceof Error ? authError.message : "",
    anthropicText: message.content.map((b) => (b.type === "text" ? b.text : "")).join(""),
    anthropicStreamText,
  };
}

let upstream: FakeLLMServer;
let dir: string;
let file: string;
let recorded: Session;
let cassette: Cassette;
let replay: ReplayServer;

beforeAll(async () => {
  upstream = await startFakeLLMServer();
  dir = mkdtempSync(join(tmpdir(), "kaizen-cassette-"));
  file = join(dir, "session.json");
  const proxy = await startRecordingProxy({ upstream: upstream.url, file, secrets: [OPENAI_KEY, ANTHROPIC_KEY] });
  try {
    recorded = await session(proxy.url);
  } finally {
    await proxy.close();
  }
  cassette = loadCassette(file);
  replay = await startReplayServer({ cassettes: [cassette] });
});
afterAll(async () => {
  await replay.close();
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the recording proxy", () => {
  it("passes the session through unchanged", () => {
    expect(recorded.openaiText).toContain("42");
    expect(recorded.openaiStreamText).toBe(recorded.openaiText);
    expect(recorded.openaiAuthError).toContain("401");
    expect(recorded.anthropicText).toContain("42");
    expect(recorded.anthropicStreamText).toBe(recorded.anthropicText);
  });

  it("writes every exchange, with no key and the credential headers redacted", () => {
    const text = readFileSync(file, "utf8");
    expect(cassette.interactions).toHaveLength(5);
    expect(text).not.toContain("RECORDING-SECRET");
    const headers = cassette.interactions.map((i) => i.request.headers ?? {});
    expect(headers[0]?.["authorization"]).toBe("[redacted]");
    // The Anthropic SDK sends its key as x-api-key or authorization, by version: either is redacted.
    expect(headers[3]?.["x-api-key"] ?? headers[3]?.["authorization"]).toBe("[redacted]");
    expect(headers[3]?.["anthropic-version"]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Object.keys(headers[0] ?? {}).some((h) => h.startsWith("x-stainless-"))).toBe(false);
  });

  it("redacts x-api-key and api-key request headers, and keys inside bodies", async () => {
    const other = join(dir, "headers.json");
    const proxy = await startRecordingProxy({ upstream: upstream.url, file: other });
    try {
      await fetch(`${proxy.url}/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": ANTHROPIC_KEY, "api-key": OPENAI_KEY, "anthropic-version": "2023-06-01" },
        body: JSON.stringify({
          model: "claude-haiku-4-5",
          max_tokens: 16,
          messages: [{ role: "user", content: `my key is ${OPENAI_KEY}` }],
        }),
      });
    } finally {
      await proxy.close();
    }
    const written = loadCassette(other);
    expect(written.interactions[0]?.request.headers?.["x-api-key"]).toBe("[redacted]");
    expect(written.interactions[0]?.request.headers?.["api-key"]).toBe("[redacted]");
    expect(readFileSync(other, "utf8")).not.toContain("RECORDING-SECRET");
  });

  it("keeps streams as events, framed as each API frames them", () => {
    const openaiStream = cassette.interactions[1]?.response.events ?? [];
    expect(openaiStream.at(-1)).toEqual({ data: "[DONE]" });
    expect(openaiStream.every((e) => e.event === undefined)).toBe(true);
    const anthropicStream = cassette.interactions[4]?.response.events ?? [];
    expect(anthropicStream[0]?.event).toBe("message_start");
    expect(anthropicStream.at(-1)?.event).toBe("message_stop");
    expect(cassette.interactions[2]?.response.status).toBe(401);
  });
});

describe("the replay server", () => {
  it("replays the session over real HTTP with the same answers", async () => {
    const replayed = await session(replay.url);
    // The key fragment the API echoed in its 401 was redacted in the cassette; the rest is the same.
    expect(replayed.openaiAuthError).toBe(recorded.openaiAuthError.replace(/sk-\*+[A-Za-z0-9]+/, "[redacted]"));
    expect(replayed.openaiAuthError).not.toContain("cdef");
    expect({ ...replayed, openaiAuthError: "" }).toEqual({ ...recorded, openaiAuthError: "" });
    expect(replay.requests.every((r) => r.matched !== undefined)).toBe(true);
  });

  it("matches bodies whatever their key order, and answers a miss with a 404 that says so", async () => {
    const first = cassette.interactions[0]?.request.body as Record<string, unknown>;
    const reordered = Object.fromEntries(Object.entries(first).reverse());
    const hit = await fetch(`${replay.url}/v1/chat/completions`, { method: "POST", body: JSON.stringify(reordered) });
    expect(hit.status).toBe(200);
    const miss = await fetch(`${replay.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ ...first, model: "another-model" }),
    });
    expect(miss.status).toBe(404);
    const error = ((await miss.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe("cassette_miss");
    expect(error.message).toContain("POST /v1/chat/completions");
  });

  it("a hand-written interaction without a body matches any body", async () => {
    const server = await startReplayServer({
      cassettes: [
        {
          version: 1,
          name: "any",
          interactions: [{ request: { method: "POST", path: "/v1/x" }, response: { status: 200, headers: {}, body: { ok: 1 } } }],
        },
      ],
    });
    try {
      const res = await fetch(`${server.url}/v1/x`, { method: "POST", body: JSON.stringify({ anything: true }) });
      expect(await res.json()).toEqual({ ok: 1 });
    } finally {
      await server.close();
    }
  });
});

describe("cassette helpers", () => {
  it("SSE parse and frame round-trip, named and data-only", () => {
    const text = 'event: message_start\ndata: {"type":"message_start"}\n\n: ping comment\n\ndata: {"a":1}\n\ndata: [DONE]\n\n';
    const events = parseSse(text);
    expect(events).toEqual([{ event: "message_start", data: { type: "message_start" } }, { data: { a: 1 } }, { data: "[DONE]" }]);
    expect(parseSse(frameSse(events))).toEqual(events);
  });

  it("normalises bodies: key order and ignored fields do not matter", () => {
    expect(normaliseBody({ b: 1, a: { d: 2, c: 3 } })).toBe(normaliseBody({ a: { c: 3, d: 2 }, b: 1 }));
    expect(normaliseBody({ a: 1, user: "x" }, ["user"])).toBe(normaliseBody({ a: 1 }));
    expect(normaliseBody({ a: 1 })).not.toBe(normaliseBody({ a: 2 }));
  });
});
