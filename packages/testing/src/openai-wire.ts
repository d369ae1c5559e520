// The OpenAI wire protocol as the fake speaks it: /v1/chat/completions (plain and SSE),
// /v1/embeddings, /v1/models, and OpenAI-shaped errors. Field names and headers follow the real
// API so the official `openai` client parses them unchanged.
import { openaiImageProblem } from "./fake-images.js";
import { composeCompletion, countTokens, chunkText } from "./fake-completion.js";
import { applyFinish, cutOutputTokens, type FinishedCompletion } from "./fake-finish.js";
import { DEFAULT_EMBEDDING_DIMENSIONS, embedText, toBase64Float32 } from "./fake-embeddings.js";
import {
  asRecord,
  jsonResponse,
  makeId,
  sse,
  textOf,
  toolMentioned,
  type PlannedResponse,
  type RequestFlags,
} from "./fake-http.js";
import type { Schema } from "./schema-sample.js";

export const OPENAI_MODELS = [
  "gpt-4o",
  "gpt-4o-mini",
  "gpt-4.1",
  "gpt-4.1-mini",
  "o3-mini",
  "text-embedding-3-small",
  "text-embedding-3-large",
];

function baseHeaders(flags: RequestFlags): Record<string, string> {
  return {
    "x-request-id": makeId("req_", 32),
    "openai-processing-ms": String(Math.max(1, Date.now() - flags.startedAt)),
    "openai-version": "2020-10-01",
    "openai-organization": "fake-llm",
    "x-ratelimit-limit-requests": "10000",
    "x-ratelimit-remaining-requests": "9999",
    "x-ratelimit-limit-tokens": "30000000",
    "x-ratelimit-remaining-tokens": "29999000",
    "x-ratelimit-reset-requests": "6ms",
    "x-ratelimit-reset-tokens": "2ms",
  };
}

export type OpenAIErrorKind = "rate_limit" | "server_error" | "auth" | "bad_request" | "not_found";

export function openaiError(
  kind: OpenAIErrorKind,
  flags: RequestFlags,
  extra: { status?: number; message?: string; retryAfterMs?: number; apiKeyHint?: string } = {},
): PlannedResponse {
  const headers = baseHeaders(flags);
  switch (kind) {
    case "rate_limit": {
      const ms = extra.retryAfterMs ?? 1000;
      headers["retry-after"] = String(Math.max(0, Math.ceil(ms / 1000)));
      headers["retry-after-ms"] = String(ms);
      headers["x-ratelimit-remaining-requests"] = "0";
      return jsonResponse(429, headers, {
        error: {
          message: `Rate limit reached for requests on the fake LLM server. Please try again in ${ms}ms.`,
          type: "requests",
          param: null,
          code: "rate_limit_exceeded",
        },
      });
    }
    case "server_error": {
      const status = extra.status ?? 500;
      const message =
        status === 503
          ? "The engine is currently overloaded, please try again later."
          : status === 502
            ? "Bad gateway."
            : "The server had an error while processing your request. Sorry about that!";
      return jsonResponse(status, headers, { error: { message, type: "server_error", param: null, code: null } });
    }
    case "auth":
      return jsonResponse(401, headers, {
        error: {
          message: `Incorrect API key provided: ${extra.apiKeyHint ?? "sk-****"}. You can find your API key at https://platform.openai.com/account/api-keys.`,
          type: "invalid_request_error",
          param: null,
          code: "invalid_api_key",
        },
      });
    case "not_found":
      return jsonResponse(404, headers, {
        error: {
          message: extra.message ?? "Unknown request URL.",
          type: "invalid_request_error",
          param: null,
          code: "unknown_url",
        },
      });
    default:
      return jsonResponse(extra.status ?? 400, headers, {
        error: { message: extra.message ?? "Invalid request.", type: "invalid_request_error", param: null, code: null },
      });
  }
}

interface OpenAITool {
  name: string;
  schema: Schema;
}

function readTools(body: Record<string, unknown>): OpenAITool[] {
  if (!Array.isArray(body.tools)) return [];
  const tools: OpenAITool[] = [];
  for (const t of body.tools) {
    const fn = asRecord(asRecord(t).function);
    if (typeof fn.name === "string") tools.push({ name: fn.name, schema: asRecord(fn.parameters) });
  }
  return tools;
}

function usageOf(promptTokens: number, completionTokens: number): Record<string, unknown> {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

export function openaiChat(rawBody: unknown, flags: RequestFlags): PlannedResponse {
  const body = asRecord(rawBody);
  if (typeof body.model !== "string" || body.model === "") {
    return openaiError("bad_request", flags, { message: "you must provide a model parameter" });
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return openaiError("bad_request", flags, { message: "Missing required parameter: 'messages'." });
  }
  const imageProblem = openaiImageProblem(body.messages);
  if (imageProblem !== undefined) return openaiError("bad_request", flags, { message: imageProblem });
  const messages = body.messages.map(asRecord);
  let question = "";
  let promptChars = 0;
  let promptText = "";
  for (const m of messages) {
    const text = textOf(m.content);
    promptChars += text.length + 4;
    if (m.role === "user") question = text;
    if (m.role === "system" || m.role === "developer") promptText += `${text}\n`;
  }
  const last = messages[messages.length - 1] ?? {};
  const toolResult = last.role === "tool" ? textOf(last.content) : undefined;
  const responseFormat = asRecord(body.response_format);
  const jsonSchema = responseFormat.type === "json_schema" ? asRecord(asRecord(responseFormat.json_schema).schema) : undefined;
  const jsonMode = responseFormat.type === "json_object";
  const tools = readTools(body);
  let tool: OpenAITool | undefined;
  const choice = body.tool_choice;
  if (tools.length > 0 && choice && typeof choice === "object") {
    // A forced function is called even right after a tool result: forced is forced.
    const name = asRecord(asRecord(choice).function).name;
    tool = tools.find((t) => t.name === name);
    if (!tool)
      return openaiError("bad_request", flags, {
        message: `Invalid value for 'tool_choice': no function named '${String(name)}'.`,
      });
  } else if (tools.length > 0 && choice === "required") {
    // After a tool result the fake calls the last function listed, where callers put their answer function.
    tool = toolResult === undefined ? (toolMentioned(tools, question) ?? tools[0]) : tools[tools.length - 1];
  } else if (tools.length > 0 && choice !== "none" && toolResult === undefined) tool = toolMentioned(tools, question);
  for (const t of tools) promptChars += t.name.length + JSON.stringify(t.schema).length;
  if (jsonSchema) promptChars += JSON.stringify(jsonSchema).length;
  const maxTokens =
    typeof body.max_completion_tokens === "number"
      ? body.max_completion_tokens
      : typeof body.max_tokens === "number"
        ? body.max_tokens
        : undefined;
  const completion = composeCompletion({
    question,
    toolResult,
    schema: jsonSchema,
    jsonMode,
    systemText: promptText,
    tool,
    reply: flags.reply,
    violate: flags.violate,
    maxTokens,
    stop:
      typeof body.stop === "string"
        ? [body.stop]
        : Array.isArray(body.stop)
          ? body.stop.filter((x): x is string => typeof x === "string")
          : undefined,
  });
  const finished = applyFinish(completion, flags.finish, flags.toolCalls);
  const model = body.model;
  const promptTokens = Math.ceil(promptChars / 4) + 3;
  const outText =
    finished.kind === "refusal"
      ? (finished.explanation ?? "")
      : finished.kind === "calls"
        ? finished.calls.map((c) => c.name + c.arguments).join("")
        : finished.completion.kind === "text"
          ? finished.completion.text
          : finished.completion.arguments;
  const completionTokens =
    finished.kind === "answer" && flags.finish?.reason === "length"
      ? cutOutputTokens(outText, maxTokens)
      : Math.max(1, countTokens(outText));
  const finishReason = finishReasonOf(finished);
  const id = makeId("chatcmpl-", 29);
  const created = Math.floor(Date.now() / 1000);
  const headers = baseHeaders(flags);

  if (body.stream === true) {
    const includeUsage = asRecord(body.stream_options).include_usage === true;
    return {
      status: 200,
      headers: { ...headers, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" },
      ...streamEvents(
        finished,
        { id, created, model, finishReason, includeUsage, usage: usageOf(promptTokens, completionTokens) },
        flags,
      ),
    };
  }
  const response = {
    id,
    object: "chat.completion",
    created,
    model,
    choices: [{ index: 0, message: messageOf(finished), logprobs: null, finish_reason: finishReason }],
    usage: usageOf(promptTokens, completionTokens),
    service_tier: "default",
    system_fingerprint: "fp_fake0001",
  };
  if (flags.malformed) return malformed(headers, JSON.stringify(response));
  const planned = jsonResponse(200, headers, response);
  if (flags.truncate) planned.cutAfter = Math.floor((planned.body?.length ?? 0) / 2);
  return planned;
}

// A refusal finishes with "stop" on OpenAI: the refusal field, not the finish reason, says so.
function finishReasonOf(finished: FinishedCompletion): string {
  if (finished.kind === "refusal") return finished.filtered ? "content_filter" : "stop";
  if (finished.kind === "calls") return "tool_calls";
  if (finished.completion.kind === "tool") return finished.cut ? "length" : "tool_calls";
  return finished.cut ? "length" : "stop";
}

function messageOf(finished: FinishedCompletion): Record<string, unknown> {
  if (finished.kind === "refusal") {
    return { role: "assistant", content: null, refusal: finished.filtered ? null : finished.explanation, annotations: [] };
  }
  if (finished.kind === "calls") {
    return {
      role: "assistant",
      content: null,
      tool_calls: finished.calls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } })),
      refusal: null,
      annotations: [],
    };
  }
  const completion = finished.completion;
  return completion.kind === "tool"
    ? {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: makeId("call_", 24), type: "function", function: { name: completion.name, arguments: completion.arguments } },
        ],
        refusal: null,
        annotations: [],
      }
    : { role: "assistant", content: completion.text, refusal: null, annotations: [] };
}

function malformed(headers: Record<string, string>, json: string): PlannedResponse {
  // Valid-looking start, then cut: what a proxy that died mid-body sends.
  return {
    status: 200,
    headers: { ...headers, "content-type": "application/json" },
    body: `${json.slice(0, Math.floor(json.length / 2))}<!-- upstream error -->`,
  };
}

interface StreamMeta {
  id: string;
  created: number;
  model: string;
  finishReason: string;
  includeUsage: boolean;
  usage: Record<string, unknown>;
}

function streamEvents(
  finished: FinishedCompletion,
  meta: StreamMeta,
  flags: RequestFlags,
): { events: string[]; cutAfter?: number } {
  const base = {
    id: meta.id,
    object: "chat.completion.chunk",
    created: meta.created,
    model: meta.model,
    service_tier: "default",
    system_fingerprint: "fp_fake0001",
  };
  const usageField = meta.includeUsage ? { usage: null } : {};
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
    sse({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...usageField });
  const events: string[] = [];
  if (finished.kind === "refusal") {
    events.push(chunk({ role: "assistant", content: null, refusal: finished.filtered ? null : "" }));
    for (const piece of chunkText(finished.explanation ?? "")) events.push(chunk({ refusal: piece }));
  } else if (finished.kind === "calls") {
    // Parallel calls stream one after another, each opened with its index, id and name.
    events.push(chunk({ role: "assistant", content: null, refusal: null }));
    finished.calls.forEach((call, index) => {
      events.push(
        chunk({ tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] }),
      );
      for (const piece of chunkText(call.arguments))
        events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    });
  } else if (finished.completion.kind === "tool") {
    const completion = finished.completion;
    events.push(
      chunk({
        role: "assistant",
        content: null,
        tool_calls: [{ index: 0, id: makeId("call_", 24), type: "function", function: { name: completion.name, arguments: "" } }],
        refusal: null,
      }),
    );
    for (const piece of chunkText(completion.arguments))
      events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
  } else {
    events.push(chunk({ role: "assistant", content: "", refusal: null }));
    for (const piece of chunkText(finished.completion.text)) events.push(chunk({ content: piece }));
  }
  if (flags.malformed)
    events.splice(Math.max(1, Math.floor(events.length / 2)), 0, 'data: {"id": "chatcmpl-broken", "choices": [\n\n');
  const contentEvents = events.length;
  events.push(chunk({}, meta.finishReason));
  if (meta.includeUsage) events.push(sse({ ...base, choices: [], usage: meta.usage }));
  events.push("data: [DONE]\n\n");
  return flags.truncate ? { events, cutAfter: Math.max(1, Math.floor(contentEvents / 2)) } : { events };
}

export function openaiEmbeddings(rawBody: unknown, flags: RequestFlags): PlannedResponse {
  const body = asRecord(rawBody);
  const input = body.input;
  const texts: string[] =
    typeof input === "string"
      ? [input]
      : Array.isArray(input)
        ? input.map((x) => (typeof x === "string" ? x : JSON.stringify(x)))
        : [];
  if (texts.length === 0)
    return openaiError("bad_request", flags, { message: "'input' is a required property and must not be empty." });
  if (typeof body.model !== "string") return openaiError("bad_request", flags, { message: "you must provide a model parameter" });
  const dimensions =
    typeof body.dimensions === "number" && body.dimensions > 0 ? Math.floor(body.dimensions) : DEFAULT_EMBEDDING_DIMENSIONS;
  const base64 = body.encoding_format === "base64";
  let tokens = 0;
  const data = texts.map((text, index) => {
    tokens += Math.max(1, countTokens(text));
    const vector = embedText(text, dimensions);
    return { object: "embedding", index, embedding: base64 ? toBase64Float32(vector) : vector };
  });
  const headers = baseHeaders(flags);
  const response = { object: "list", data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
  if (flags.malformed) return malformed(headers, JSON.stringify(response));
  return jsonResponse(200, headers, response);
}

export function openaiModels(flags: RequestFlags, id?: string): PlannedResponse {
  const model = (name: string) => ({ id: name, object: "model", created: 1715367049, owned_by: "system" });
  // Any id exists: the fake answers for every model name.
  if (id !== undefined) return jsonResponse(200, baseHeaders(flags), model(id));
  return jsonResponse(200, baseHeaders(flags), { object: "list", data: OPENAI_MODELS.map(model) });
}
