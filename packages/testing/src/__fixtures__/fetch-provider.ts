// A minimal OpenAI-wire provider on fetch, for testing the conformance suite itself (the real
// providers live in @kaizen/providers, which depends on this package, not the other way round).
import { execFileSync } from "node:child_process";
import {
  AbortError,
  AuthenticationError,
  InvalidResponseError,
  ProviderError,
  RateLimitError,
  TimeoutError,
  redactSecrets,
} from "@kaizen/contracts";
import type {
  ChatMessage,
  ChatRequest,
  ChatResponse,
  EmbedRequest,
  EmbedResponse,
  LLMProvider,
  StreamEvent,
  ToolCall,
} from "@kaizen/contracts";

export interface FetchProviderOptions {
  apiKey: string;
  baseUrl: string;
  maxRetries?: number;
  /** A deliberate bug, for checking that the conformance suite catches it. */
  bug?: "leaks-key";
}

interface RawCall {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

interface Raw {
  choices?: Array<{ message?: { content?: string | null; tool_calls?: RawCall[] }; finish_reason?: string }>;
  usage?: { prompt_tokens: number; completion_tokens: number };
  model?: string;
}

export class FetchProvider implements LLMProvider {
  readonly name = "fetch-openai";
  constructor(private readonly options: FetchProviderOptions) {}

  private error(status: number, text: string, headers: Headers): ProviderError {
    const message = redactSecrets(`HTTP ${status}: ${text.slice(0, 200)}`, [this.options.apiKey]);
    // The bug: the cause carries the request's headers, key included (messages are redacted by KaizenError, causes are not).
    const cause =
      this.options.bug === "leaks-key" ? new Error(`request headers: authorization=Bearer ${this.options.apiKey}`) : undefined;
    if (status === 401) return new AuthenticationError(message, { provider: this.name, status, cause });
    if (status === 429) {
      const ms = Number(headers.get("retry-after-ms") ?? Number(headers.get("retry-after") ?? "1") * 1000);
      return new RateLimitError(message, { provider: this.name, retryAfterMs: ms });
    }
    return new ProviderError(message, { provider: this.name, status, retryable: status >= 500, cause });
  }

  private async post(
    path: string,
    body: unknown,
    request: { signal?: AbortSignal; timeoutMs?: number },
  ): Promise<{ response: Response; attempts: number }> {
    const deadline = request.timeoutMs === undefined ? undefined : Date.now() + request.timeoutMs;
    const maxRetries = this.options.maxRetries ?? 2;
    for (let attempt = 1; ; attempt++) {
      if (request.signal?.aborted) throw new AbortError();
      const signals = [
        request.signal,
        deadline === undefined ? undefined : AbortSignal.timeout(Math.max(1, deadline - Date.now())),
      ].filter((s): s is AbortSignal => s !== undefined);
      let response: Response;
      try {
        response = await fetch(`${this.options.baseUrl}${path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${this.options.apiKey}`, "content-type": "application/json" },
          body: JSON.stringify(body),
          signal: signals.length > 0 ? AbortSignal.any(signals) : undefined,
        });
      } catch (err) {
        if (request.signal?.aborted) throw new AbortError();
        if (deadline !== undefined && Date.now() >= deadline)
          throw new TimeoutError(`timed out after ${request.timeoutMs} ms`, {
            provider: this.name,
            timeoutMs: request.timeoutMs,
          });
        if (attempt <= maxRetries) continue;
        throw new ProviderError("connection failed", { provider: this.name, retryable: true, cause: err });
      }
      if (response.ok) return { response, attempts: attempt };
      const error = this.error(response.status, await response.text(), response.headers);
      if (!error.retryable || attempt > maxRetries) throw error;
      const wait = error instanceof RateLimitError ? (error.retryAfterMs ?? 100) : 20;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  private body(request: ChatRequest, stream: boolean): Record<string, unknown> {
    return {
      model: request.model,
      messages: request.messages.map(wireMessage),
      ...(request.tools?.length
        ? { tools: request.tools.map((t) => ({ type: "function", function: { name: t.name, parameters: t.parameters } })) }
        : {}),
      ...(request.output
        ? {
            response_format: {
              type: "json_schema",
              json_schema: { name: request.output.name, strict: true, schema: request.output.schema },
            },
          }
        : {}),
      ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    };
  }

  async chatAsync(request: ChatRequest): Promise<ChatResponse> {
    const { response, attempts } = await this.post("/chat/completions", this.body(request, false), request);
    let raw: Raw;
    try {
      raw = (await response.json()) as Raw;
    } catch (err) {
      throw new InvalidResponseError("the response was not JSON", { provider: this.name, cause: err });
    }
    return this.toResponse(
      raw.choices?.[0]?.message?.content ?? "",
      raw.choices?.[0]?.finish_reason,
      raw.usage,
      request,
      attempts,
      callsOf(raw.choices?.[0]?.message?.tool_calls),
    );
  }

  private toResponse(
    content: string,
    finish: string | undefined,
    usage: Raw["usage"],
    request: ChatRequest,
    attempts: number,
    toolCalls: ToolCall[] = [],
  ): ChatResponse {
    const input = usage?.prompt_tokens ?? 0;
    const output = usage?.completion_tokens ?? 0;
    return {
      content,
      parsed: request.output && toolCalls.length === 0 ? (JSON.parse(content) as unknown) : undefined,
      model: request.model,
      ...(toolCalls.length > 0 ? { toolCalls } : {}),
      finishReason:
        finish === "stop" ? "stop" : finish === "length" ? "length" : finish === "tool_calls" ? "tool_calls" : "other",
      usage: { inputTokens: input, outputTokens: output, totalTokens: input + output },
      structuredOutput: request.output ? "json_schema" : "none",
      attempts,
    };
  }

  async embedAsync(request: EmbedRequest): Promise<EmbedResponse> {
    const { response } = await this.post(
      "/embeddings",
      { model: request.model, input: request.texts, encoding_format: "float" },
      request,
    );
    const raw = (await response.json()) as {
      data: Array<{ index: number; embedding: number[] }>;
      usage: { prompt_tokens: number };
    };
    const embeddings = [...raw.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
    const t = raw.usage.prompt_tokens;
    return { embeddings, model: request.model, usage: { inputTokens: t, outputTokens: 0, totalTokens: t } };
  }

  async *streamAsync(request: ChatRequest): AsyncIterable<StreamEvent> {
    const { response, attempts } = await this.post("/chat/completions", this.body(request, true), request);
    const decoder = new TextDecoder();
    let buffer = "";
    let content = "";
    let finish: string | undefined;
    let usage: Raw["usage"];
    let done = false;
    const calls: ToolCall[] = [];
    for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(bytes, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf("\n\n")) !== -1) {
        const line = buffer.slice(0, cut).replace(/^data: /, "");
        buffer = buffer.slice(cut + 2);
        if (line === "[DONE]") {
          done = true;
          continue;
        }
        const chunk = JSON.parse(line) as {
          choices: Array<{ delta: { content?: string; tool_calls?: RawCall[] }; finish_reason: string | null }>;
          usage?: Raw["usage"];
        };
        const delta = chunk.choices[0]?.delta.content;
        if (delta) {
          content += delta;
          yield { type: "text-delta", delta };
          if (request.output) yield { type: "partial-object", object: { partialText: content } };
        }
        for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
          const index = call.index ?? 0;
          let entry = calls[index];
          if (entry === undefined) {
            entry = { id: call.id ?? "", name: call.function?.name ?? "", arguments: "" };
            calls[index] = entry;
            yield { type: "tool-call-start", index, id: entry.id, name: entry.name };
          }
          const piece = call.function?.arguments ?? "";
          entry.arguments += piece;
          if (piece) yield { type: "tool-call-delta", index, id: entry.id, delta: piece };
        }
        finish = chunk.choices[0]?.finish_reason ?? finish;
        if (chunk.usage) usage = chunk.usage;
      }
    }
    if (!done || finish === undefined)
      throw new InvalidResponseError("the stream was cut before it finished", { provider: this.name });
    yield { type: "finish", response: this.toResponse(content, finish, usage, request, attempts, calls) };
  }

  /** Blocking, the simplest honest way: a child process does the HTTP call while this thread waits. */
  chat(request: ChatRequest): ChatResponse {
    const script = `const [url, key, body] = process.argv.slice(1);
fetch(url, { method: "POST", headers: { authorization: "Bearer " + key, "content-type": "application/json" }, body })
  .then((r) => r.text()).then((t) => process.stdout.write(t), (e) => { process.stderr.write(String(e)); process.exit(1); });`;
    const out = execFileSync(
      process.execPath,
      ["-e", script, `${this.options.baseUrl}/chat/completions`, this.options.apiKey, JSON.stringify(this.body(request, false))],
      {
        encoding: "utf8",
      },
    );
    const raw = JSON.parse(out) as Raw;
    const message = raw.choices?.[0]?.message;
    return this.toResponse(
      message?.content ?? "",
      raw.choices?.[0]?.finish_reason,
      raw.usage,
      request,
      1,
      callsOf(message?.tool_calls),
    );
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function wireMessage(message: ChatMessage): Record<string, unknown> {
  if (message.role === "tool") return { role: "tool", tool_call_id: message.toolCallId, content: message.content };
  if (message.toolCalls?.length) {
    return {
      role: "assistant",
      content: message.content || null,
      tool_calls: message.toolCalls.map((c) => ({
        id: c.id,
        type: "function",
        function: { name: c.name, arguments: c.arguments },
      })),
    };
  }
  return { role: message.role, content: message.content };
}

function callsOf(raw: RawCall[] | undefined): ToolCall[] {
  return (raw ?? []).map((c) => ({ id: c.id ?? "", name: c.function?.name ?? "", arguments: c.function?.arguments ?? "" }));
}
