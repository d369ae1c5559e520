import { startFakeLLMServerThread } from "@kaizen/testing";
import type { ChatRequest, ChatResponse, LLMProvider, StreamEvent } from "@kaizen/contracts";
import { computeCost, createProvider, registerProvider } from "../index.js";
import { createSyncBridge, mapHttpError, mapProviderError, readServerSentEvents } from "../toolkit.js";
import { withRetry, withRetrySync } from "../toolkit.js";
import type { HttpReply } from "../toolkit.js";

type Completion = { model: string; choices: Array<{ message: { content: string } }>; usage: Record<string, number> };

// A small provider for an OpenAI-style endpoint (text only): the toolkit does the rest.
class TinyProvider implements LLMProvider {
  readonly name = "tiny";
  readonly #bridge = createSyncBridge();
  constructor(readonly baseUrl: string) {}

  #init(request: ChatRequest, stream = false) {
    const body = JSON.stringify({ model: request.model, messages: request.messages, stream });
    return { method: "POST", headers: { "content-type": "application/json" }, body };
  }

  #answer(request: ChatRequest, reply: HttpReply, attempts: number): ChatResponse {
    if (reply.status !== 200) throw mapHttpError(reply, { provider: this.name });
    const data = JSON.parse(reply.body) as Completion;
    const [inputTokens = 0, outputTokens = 0] = [data.usage["prompt_tokens"], data.usage["completion_tokens"]];
    const usage = { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
    const content = data.choices[0]?.message.content ?? "";
    const costUsd = computeCost(data.model, usage);
    return {
      content,
      model: data.model,
      finishReason: "stop",
      usage,
      structuredOutput: "none",
      attempts,
      ...(costUsd ? { costUsd } : {}),
    };
  }

  // Blocking, for agent.run(): the sync bridge makes the request on its worker thread.
  chat(request: ChatRequest): ChatResponse {
    return withRetrySync(({ attempt }) => {
      const init = { ...this.#init(request), provider: this.name, timeoutMs: 10_000 };
      return this.#answer(request, this.#bridge.fetch(`${this.baseUrl}/chat/completions`, init), attempt);
    });
  }

  async chatAsync(request: ChatRequest): Promise<ChatResponse> {
    return withRetry(
      async ({ attempt, signal }) => {
        try {
          const res = await fetch(`${this.baseUrl}/chat/completions`, { ...this.#init(request), ...(signal ? { signal } : {}) });
          return this.#answer(
            request,
            { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() },
            attempt,
          );
        } catch (error) {
          throw mapProviderError(error, { provider: this.name });
        }
      },
      { maxRetries: 2, ...(request.signal ? { signal: request.signal } : {}) },
    );
  }

  async *streamAsync(request: ChatRequest): AsyncGenerator<StreamEvent> {
    const res = await fetch(`${this.baseUrl}/chat/completions`, this.#init(request, true));
    if (!res.ok || !res.body)
      throw mapHttpError({ status: res.status, headers: {}, body: await res.text() }, { provider: this.name });
    let content = "";
    for await (const { data } of readServerSentEvents(res.body)) {
      if (data === "[DONE]") break;
      const delta = (JSON.parse(data) as { choices: Array<{ delta?: { content?: string } }> }).choices[0]?.delta?.content;
      if (delta) yield { type: "text-delta", delta };
      content += delta ?? "";
    }
    const usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
    yield {
      type: "finish",
      response: { content, model: request.model, finishReason: "stop", usage, structuredOutput: "none", attempts: 1 },
    };
  }

  async close(): Promise<void> {
    await this.#bridge.close();
  }
}

// chat() blocks this thread, so the stand-in server answers from its own.
const server = await startFakeLLMServerThread();
registerProvider("tiny", (options) => new TinyProvider(options.baseUrl ?? "http://localhost:11434/v1"));
const provider = createProvider("tiny", { baseUrl: server.openaiBaseUrl });
const ask = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "What is 2+2?" }] };

console.log("chat():     ", provider.chat!(ask).content);
console.log("chatAsync():", (await provider.chatAsync(ask)).content);
let deltas = 0;
for await (const event of provider.streamAsync!(ask)) {
  if (event.type === "text-delta") deltas++;
  if (event.type === "finish") console.log(`stream:      ${event.response.content} (${deltas} text deltas)`);
}

await provider.close?.();
await server.close();
