// The direct chat path (openai-direct.ts) against the SDK's own path, both over real HTTP to the
// fake LLM server through the real openai client: the same bytes on the wire, the same answers,
// and the same typed errors for every fault, so skipping the SDK's per-call work changes nothing
// a caller can see.
import diagnostics from "node:diagnostics_channel";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFakeLLMServer } from "@kaizen/testing";
import type { FakeFault, FakeLLMServer } from "@kaizen/testing";
import type { ChatRequest } from "@kaizen/contracts";
import { OpenAIProvider } from "./openai-provider.js";
import type { OpenAIProviderOptions } from "./openai-provider.js";

const KEY = "sk-kaizen-direct-FAKEKEY-71c2d9e0b3";
let server: FakeLLMServer;
const open: OpenAIProvider[] = [];

function make(options: OpenAIProviderOptions = {}): OpenAIProvider {
  const provider = new OpenAIProvider({
    apiKey: KEY,
    baseUrl: server.openaiBaseUrl,
    useAsync: true,
    maxRetries: 0,
    organization: "org-kaizen",
    project: "proj-kaizen",
    defaultHeaders: { "x-team": "kaizen" },
    ...options,
  });
  open.push(provider);
  return provider;
}

const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "gpt-4o-mini",
  messages: [{ role: "user", content }],
  output: {
    name: "qa",
    schema: {
      type: "object",
      properties: { answer: { type: "string" }, confidence: { type: "number" } },
      required: ["answer", "confidence"],
    },
  },
  ...extra,
});

/** Counts WHATWG Responses made while `fn` runs: the SDK path makes one per call, the direct path none. */
async function countResponses<T>(fn: () => Promise<T>): Promise<{ value: T; made: number }> {
  const Original = globalThis.Response;
  let made = 0;
  globalThis.Response = class extends Original {
    constructor(...args: ConstructorParameters<typeof Response>) {
      super(...args);
      made++;
    }
  } as typeof Response;
  try {
    return { value: await fn(), made };
  } finally {
    globalThis.Response = Original;
  }
}

function lastChat() {
  const chats = server.requests.filter((r) => r.path.endsWith("/chat/completions"));
  return chats[chats.length - 1];
}

/** What an error is to a caller: class, code, status, retryability, message and request id. */
function describeError(error: unknown) {
  const e = error as Error & Record<string, unknown>;
  return {
    class: e.constructor.name,
    code: e["code"],
    status: e["status"],
    retryable: e["retryable"],
    retryAfterMs: e["retryAfterMs"],
    message: e.message.replace(/req_[A-Za-z0-9]+/g, "req_ID"),
  };
}

beforeAll(async () => {
  server = await startFakeLLMServer();
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
  server.resetScript();
});

afterAll(async () => {
  await server.close();
});

describe("the direct chat path", () => {
  it("is taken by default and sends the very request the SDK's own path sends", async () => {
    const direct = await countResponses(() => make().chatAsync(ask("What is 2+2?")));
    const sentDirect = lastChat();
    const viaSdk = await countResponses(() => make({ directChat: false }).chatAsync(ask("What is 2+2?")));
    const sentSdk = lastChat();

    expect(direct.made).toBe(0);
    expect(viaSdk.made).toBeGreaterThan(0);
    expect(sentDirect?.method).toBe("POST");
    expect(sentDirect?.path).toBe(sentSdk?.path);
    expect(sentDirect?.body).toEqual(sentSdk?.body);
    expect(sentDirect?.headers).toEqual(sentSdk?.headers);
    expect(sentDirect?.headers["openai-organization"]).toBe("org-kaizen");
    expect(sentDirect?.headers["x-team"]).toBe("kaizen");
    expect(sentDirect?.headers["user-agent"]).toMatch(/^OpenAI\/JS /);

    const strip = ({ requestId, ...rest }: typeof direct.value) => ({ ...rest, requestId: typeof requestId });
    expect(strip(direct.value)).toEqual(strip(viaSdk.value));
    expect(direct.value.requestId).toMatch(/^req_/);
    expect(direct.value.parsed).toEqual(viaSdk.value.parsed);
    expect(direct.value.parsed).toMatchObject({ answer: expect.any(String) });
  });

  const faults: Array<[string, FakeFault]> = [
    ["a 429 with Retry-After", { type: "rate_limit", retryAfterSeconds: 2 }],
    ["a 503", { type: "server_error", status: 503 }],
    ["a 401", { type: "auth" }],
    ["malformed JSON", { type: "malformed_json" }],
    ["a dropped connection", { type: "disconnect" }],
    [
      "an OpenAI 400",
      {
        type: "http_error",
        status: 400,
        body: {
          error: {
            message: "Invalid schema for response_format 'qa'.",
            type: "invalid_request_error",
            param: "response_format",
            code: null,
          },
        },
      },
    ],
    [
      "a vLLM-style 400 without `error`",
      {
        type: "http_error",
        status: 400,
        body: { object: "error", message: "max_tokens is too large", type: "BadRequestError", code: 400 },
      },
    ],
    [
      "a FastAPI 422",
      { type: "http_error", status: 422, body: { detail: [{ loc: ["body", "messages"], msg: "field required" }] } },
    ],
    ["a plain-text 502", { type: "http_error", status: 502, body: "Bad Gateway", headers: { "content-type": "text/plain" } }],
  ];
  for (const [what, fault] of faults) {
    it(`fails on ${what} with the same typed error as the SDK's path`, async () => {
      const errors = [];
      for (const directChat of [true, false]) {
        server.fault(fault);
        errors.push(
          await make({ directChat })
            .chatAsync(ask("Hello"))
            .then(
              () => undefined,
              (error: unknown) => error,
            ),
        );
      }
      expect(errors[0]).toBeDefined();
      // The direct path keeps the socket's error code (ECONNRESET) that the fetch on the SDK's path
      // wraps away: the one difference, and in the direct path's favour.
      const direct = describeError(errors[0]);
      if (fault.type === "disconnect") expect(direct.message).toContain("(ECONNRESET)");
      expect({ ...direct, message: direct.message.replace(" (ECONNRESET)", "") }).toEqual(describeError(errors[1]));
      expect(String((errors[0] as Error).message)).not.toContain(KEY);
    });
  }

  it("ends on the caller's AbortSignal and on the time budget like the SDK's path", async () => {
    for (const directChat of [true, false]) {
      server.fault({ type: "stall" });
      const controller = new AbortController();
      const call = make({ directChat }).chatAsync(ask("Hello", { signal: controller.signal }));
      setTimeout(() => controller.abort(), 50);
      await expect(call).rejects.toMatchObject({ code: "aborted" });

      server.fault({ type: "stall" });
      await expect(make({ directChat, timeoutMs: 150 }).chatAsync(ask("Hello"))).rejects.toMatchObject({ code: "timeout" });
    }
  });

  it("stays off where only the SDK's path does the job: Azure-style client options, the SDK's debug log", async () => {
    const withOptions = await countResponses(() =>
      make({ clientOptions: { defaultQuery: { "api-version": "x" } } }).chatAsync(ask("Hello")),
    );
    expect(withOptions.made).toBeGreaterThan(0);
    const logged: unknown[] = [];
    const logger = {
      debug: (...a: unknown[]) => logged.push(a),
      info: (...a: unknown[]) => logged.push(a),
      warn() {},
      error() {},
    };
    const debug = await countResponses(() => make({ clientOptions: { logLevel: "debug", logger } }).chatAsync(ask("Hello")));
    expect(debug.made).toBeGreaterThan(0);
    expect(logged.length).toBeGreaterThan(0);
  });

  /** Every event of a stream, or the error that ended it (request ids made comparable). */
  async function drain(provider: OpenAIProvider, request: ChatRequest) {
    const events: unknown[] = [];
    try {
      for await (const event of provider.streamAsync(request)) events.push(event);
      return { events: JSON.parse(JSON.stringify(events).replace(/req_[A-Za-z0-9]+/g, "req_ID")) as unknown[] };
    } catch (error) {
      return { events: events.length, error: describeError(error) };
    }
  }

  it("streams the same events as the SDK's stream, from the same request", async () => {
    const direct = await countResponses(() => drain(make(), ask("What is 2+2?")));
    const sentDirect = lastChat();
    const viaSdk = await countResponses(() => drain(make({ directChat: false }), ask("What is 2+2?")));
    const sentSdk = lastChat();
    expect(direct.made).toBe(0);
    expect(viaSdk.made).toBeGreaterThan(0);
    expect(sentDirect?.body).toEqual(sentSdk?.body);
    expect((sentDirect?.body as { stream?: unknown }).stream).toBe(true);
    expect(sentDirect?.headers).toEqual(sentSdk?.headers);
    const types = (direct.value.events as Array<{ type: string }>).map((e) => e.type);
    expect(types).toContain("partial-object");
    expect(types.at(-1)).toBe("finish");
    expect(direct.value).toEqual(viaSdk.value);
  });

  const streamFaults: Array<[string, FakeFault]> = [
    ["a 429 before the stream", { type: "rate_limit", retryAfterSeconds: 2 }],
    ["a 400 without `error`", { type: "http_error", status: 400, body: { object: "error", message: "bad stream" } }],
    ["an error event as the first event", { type: "stream_error", error: { type: "server_error", message: "overloaded" } }],
    ["a stream cut off mid-answer", { type: "truncated_stream" }],
    ["a dropped connection", { type: "disconnect" }],
  ];
  for (const [what, fault] of streamFaults) {
    it(`ends a stream on ${what} as the SDK's stream does`, async () => {
      const outcomes = [];
      for (const directChat of [true, false]) {
        server.fault(fault);
        outcomes.push(await drain(make({ directChat }), ask("Hello")));
      }
      const [direct, viaSdk] = outcomes as [Awaited<ReturnType<typeof drain>>, Awaited<ReturnType<typeof drain>>];
      expect(direct.error ?? direct.events).toBeDefined();
      if (fault.type === "disconnect" && direct.error !== undefined && viaSdk.error !== undefined) {
        direct.error.message = direct.error.message.replace(" (ECONNRESET)", "");
      }
      expect(direct).toEqual(viaSdk);
    });
  }

  it("keeps one connection alive across calls and streams", async () => {
    const provider = make();
    await provider.chatAsync(ask("warm up"));
    let opened = 0;
    const count = (): void => {
      opened++;
    };
    diagnostics.subscribe("net.client.socket", count);
    try {
      for (let i = 0; i < 3; i++) {
        for await (const event of provider.streamAsync(ask(`stream ${i}`))) void event;
        await provider.chatAsync(ask(`call ${i}`));
      }
    } finally {
      diagnostics.unsubscribe("net.client.socket", count);
    }
    expect(opened).toBe(0);
  });

  it("ends a stream on the time budget like the SDK's stream: a stall before the answer, or a budget spent mid-stream", async () => {
    const stalled = [];
    const cut = [];
    for (const directChat of [true, false]) {
      server.fault({ type: "stall" });
      const started = Date.now();
      stalled.push(await drain(make({ directChat, timeoutMs: 200 }), ask("Hello")));
      expect(Date.now() - started).toBeLessThan(3_000);
      // 100 ms between chunks and a 500 ms budget: some events arrive, then the budget runs out.
      const slow = make({ directChat, timeoutMs: 500, defaultHeaders: { "x-fake-stream-delay-ms": "100" } });
      cut.push(await drain(slow, ask("Tell me a long story about the number four.")));
    }
    expect(stalled[0]?.error).toMatchObject({ class: "TimeoutError", code: "timeout" });
    expect(stalled[0]).toEqual(stalled[1]);
    expect(cut[0]?.error).toMatchObject({ class: "TimeoutError", code: "timeout" });
    expect(cut[0]?.events).toBeGreaterThan(0);
    expect(cut[0]?.error).toEqual(cut[1]?.error);
  });

  it("stops a stream on the caller's signal, as the SDK's stream does", async () => {
    for (const directChat of [true, false]) {
      const controller = new AbortController();
      const request = ask("Tell me a long story", { signal: controller.signal });
      const seen: string[] = [];
      // 20 ms between the fake server's chunks: the abort lands mid-stream.
      const provider = make({ directChat, defaultHeaders: { "x-fake-stream-delay-ms": "20" } });
      const run = (async () => {
        for await (const event of provider.streamAsync(request)) {
          seen.push(event.type);
          controller.abort();
        }
      })();
      await expect(run).rejects.toMatchObject({ code: "aborted" });
      expect(seen.length).toBeLessThanOrEqual(2);
      expect(seen).not.toContain("finish");
    }
  });
});
