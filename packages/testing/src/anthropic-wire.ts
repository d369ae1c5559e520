// The Anthropic Messages wire protocol as the fake speaks it: /v1/messages (plain and the real
// SSE event sequence), tools with tool_choice, output_config JSON schema, /v1/models, and
// Anthropic-shaped errors, so the official `@anthropic-ai/sdk` client parses them unchanged.
import { anthropicImageProblem } from "./fake-images.js";
import { rejectedSampling } from "./anthropic-model-checks.js";
import { composeCompletion, countTokens, chunkText } from "./fake-completion.js";
import { applyFinish, cutOutputTokens, type FinishedCompletion } from "./fake-finish.js";
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

export const ANTHROPIC_MODELS = ["claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1", "claude-3-5-haiku-latest"];

function baseHeaders(): Record<string, string> {
  return {
    "request-id": makeId("req_01", 22),
    "anthropic-organization-id": "00000000-0000-4000-8000-000000000000",
    "anthropic-ratelimit-requests-limit": "4000",
    "anthropic-ratelimit-requests-remaining": "3999",
    "anthropic-ratelimit-input-tokens-limit": "2000000",
    "anthropic-ratelimit-output-tokens-limit": "400000",
  };
}

export type AnthropicErrorKind = "rate_limit" | "server_error" | "auth" | "bad_request" | "not_found";

export function anthropicError(
  kind: AnthropicErrorKind,
  extra: { status?: number; message?: string; retryAfterMs?: number } = {},
): PlannedResponse {
  const headers = baseHeaders();
  const body = (status: number, type: string, message: string): PlannedResponse =>
    jsonResponse(status, headers, { type: "error", error: { type, message }, request_id: headers["request-id"] });
  switch (kind) {
    case "rate_limit": {
      const ms = extra.retryAfterMs ?? 1000;
      headers["retry-after"] = String(Math.max(0, Math.ceil(ms / 1000)));
      headers["retry-after-ms"] = String(ms);
      headers["anthropic-ratelimit-requests-remaining"] = "0";
      return body(
        429,
        "rate_limit_error",
        "This request would exceed the rate limit for your organization. Please try again later.",
      );
    }
    case "server_error": {
      const status = extra.status ?? 500;
      return status === 503 || status === 529
        ? body(status, "overloaded_error", "Overloaded")
        : body(status, "api_error", "Internal server error");
    }
    case "auth":
      return body(401, "authentication_error", "invalid x-api-key");
    case "not_found":
      return body(404, "not_found_error", extra.message ?? "Not found");
    default:
      return body(extra.status ?? 400, "invalid_request_error", extra.message ?? "Invalid request.");
  }
}

interface AnthropicTool {
  name: string;
  schema: Schema;
}

function usageOf(input: number, output: number): Record<string, unknown> {
  return {
    input_tokens: input,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: output,
    service_tier: "standard",
  };
}

export function anthropicMessages(rawBody: unknown, flags: RequestFlags): PlannedResponse {
  const body = asRecord(rawBody);
  if (typeof body.model !== "string" || body.model === "")
    return anthropicError("bad_request", { message: "model: Field required" });
  if (typeof body.max_tokens !== "number") return anthropicError("bad_request", { message: "max_tokens: Field required" });
  const rejected = rejectedSampling(body.model, body);
  if (rejected !== undefined) return anthropicError("bad_request", { message: rejected });
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return anthropicError("bad_request", { message: "messages: at least one message is required" });
  }
  const imageProblem = anthropicImageProblem(body.messages);
  if (imageProblem !== undefined) return anthropicError("bad_request", { message: imageProblem });
  const system = textOf(body.system);
  let promptChars = system.length;
  let question = "";
  let toolResult: string | undefined;
  for (const raw of body.messages) {
    const m = asRecord(raw);
    const text = textOf(m.content);
    promptChars += text.length + 4;
    if (m.role === "user") {
      const blocks = Array.isArray(m.content) ? m.content.map(asRecord) : [];
      const result = blocks.find((b) => b.type === "tool_result");
      // A user turn that only carries a tool result is the tool's answer, not a new question.
      if (result) toolResult = textOf(result.content);
      else {
        toolResult = undefined;
        question = text;
      }
    }
  }
  // The real API refuses history with tool blocks when the request defines no tools.
  if (!Array.isArray(body.tools) || body.tools.length === 0) {
    const hasToolBlocks = body.messages.some((raw) => {
      const content = asRecord(raw).content;
      return Array.isArray(content) && content.some((b) => ["tool_use", "tool_result"].includes(String(asRecord(b).type)));
    });
    if (hasToolBlocks) {
      return anthropicError("bad_request", {
        message: "Requests which include `tool_use` or `tool_result` blocks must define tools.",
      });
    }
  }
  const tools: AnthropicTool[] = Array.isArray(body.tools)
    ? body.tools
        .map(asRecord)
        .filter((t) => typeof t.name === "string")
        .map((t) => ({ name: t.name as string, schema: asRecord(t.input_schema) }))
    : [];
  const choice = asRecord(body.tool_choice);
  let tool: AnthropicTool | undefined;
  if (tools.length > 0 && choice.type === "tool") {
    // A forced tool is called even right after a tool result: forced is forced.
    tool = tools.find((t) => t.name === choice.name);
    if (!tool) return anthropicError("bad_request", { message: `tool_choice: tool '${String(choice.name)}' not found in tools` });
  } else if (tools.length > 0 && choice.type === "any") {
    // After a tool result the fake calls the last tool listed, where callers put their answer tool.
    tool = toolResult === undefined ? (toolMentioned(tools, question) ?? tools[0]) : tools[tools.length - 1];
  } else if (tools.length > 0 && choice.type !== "none" && toolResult === undefined) tool = toolMentioned(tools, question);
  const format = asRecord(asRecord(body.output_config).format ?? body.output_format);
  const schema = format.type === "json_schema" ? asRecord(format.schema) : undefined;
  for (const t of tools) promptChars += t.name.length + JSON.stringify(t.schema).length;
  if (schema) promptChars += JSON.stringify(schema).length;

  const reply = flags.reply;
  // A tool_use input must be an object; a scripted reply that is not one is sent as text.
  if (tool && reply !== undefined && !isJsonObject(reply)) tool = undefined;
  const completion = composeCompletion({
    question,
    toolResult,
    schema,
    systemText: system,
    tool,
    reply,
    violate: flags.violate,
    maxTokens: body.max_tokens,
    stop: Array.isArray(body.stop_sequences) ? body.stop_sequences.filter((x): x is string => typeof x === "string") : undefined,
  });
  const finished = applyFinish(completion, flags.finish, flags.toolCalls);
  const model = body.model;
  const inputTokens = Math.ceil(promptChars / 4) + 3;
  const outText =
    finished.kind === "refusal"
      ? ""
      : finished.kind === "calls"
        ? finished.calls.map((c) => c.name + c.arguments).join("")
        : finished.completion.kind === "text"
          ? finished.completion.text
          : finished.completion.arguments;
  const outputTokens =
    finished.kind === "answer" && flags.finish?.reason === "length"
      ? cutOutputTokens(outText, body.max_tokens)
      : Math.max(1, countTokens(outText));
  const stopSequence =
    finished.kind === "answer" && finished.completion.kind === "text" ? (finished.completion.stopSequence ?? null) : null;
  const stopReason =
    finished.kind === "refusal"
      ? "refusal"
      : finished.kind === "calls"
        ? "tool_use"
        : finished.cut
          ? "max_tokens"
          : finished.completion.kind === "tool"
            ? "tool_use"
            : stopSequence !== null
              ? "stop_sequence"
              : "end_turn";
  const stopDetails =
    finished.kind === "refusal" ? { type: "refusal", category: finished.category, explanation: finished.explanation } : null;
  const id = makeId("msg_01", 22);
  const headers = baseHeaders();

  if (body.stream === true) {
    return {
      status: 200,
      headers: { ...headers, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" },
      ...streamEvents(finished, { id, model, stopReason, stopSequence, stopDetails, inputTokens, outputTokens }, flags),
    };
  }
  const response = {
    id,
    type: "message",
    role: "assistant",
    model,
    content: contentOf(finished),
    stop_reason: stopReason,
    stop_sequence: stopSequence,
    stop_details: stopDetails,
    usage: usageOf(inputTokens, outputTokens),
  };
  const json = JSON.stringify(response);
  if (flags.malformed) {
    return {
      status: 200,
      headers: { ...headers, "content-type": "application/json" },
      body: `${json.slice(0, Math.floor(json.length / 2))}<!-- upstream error -->`,
    };
  }
  const planned: PlannedResponse = { status: 200, headers: { ...headers, "content-type": "application/json" }, body: json };
  if (flags.truncate) planned.cutAfter = Math.floor(json.length / 2);
  return planned;
}

function contentOf(finished: FinishedCompletion): unknown[] {
  if (finished.kind === "refusal") return [];
  if (finished.kind === "calls") {
    return finished.calls.map((call) => ({ type: "tool_use", id: call.id, name: call.name, input: inputOf(call.arguments) }));
  }
  const completion = finished.completion;
  if (completion.kind === "text") return [{ type: "text", text: completion.text }];
  let input: unknown = {};
  try {
    input = JSON.parse(completion.arguments);
  } catch {
    // A tool call cut off mid-JSON: the API reports the input it could parse, here none.
  }
  return [{ type: "tool_use", id: makeId("toolu_01", 22), name: completion.name, input }];
}

// The Messages API has no arguments text: a scripted string that is not JSON goes out as `input` itself.
function inputOf(args: string): unknown {
  try {
    return JSON.parse(args) as unknown;
  } catch {
    return args;
  }
}

function isJsonObject(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === "object" && !Array.isArray(v);
  } catch {
    return false;
  }
}

interface StreamMeta {
  id: string;
  model: string;
  stopReason: string;
  stopSequence: string | null;
  stopDetails: Record<string, unknown> | null;
  inputTokens: number;
  outputTokens: number;
}

function streamEvents(
  finished: FinishedCompletion,
  meta: StreamMeta,
  flags: RequestFlags,
): { events: string[]; cutAfter?: number } {
  const events: string[] = [
    sse(
      {
        type: "message_start",
        message: {
          id: meta.id,
          type: "message",
          role: "assistant",
          model: meta.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          stop_details: null,
          usage: usageOf(meta.inputTokens, 1),
        },
      },
      "message_start",
    ),
  ];
  const completion = finished.kind === "answer" ? finished.completion : undefined;
  if (finished.kind === "calls") {
    finished.calls.forEach((call, index) => {
      events.push(
        sse(
          { type: "content_block_start", index, content_block: { type: "tool_use", id: call.id, name: call.name, input: {} } },
          "content_block_start",
        ),
      );
      for (const piece of chunkText(call.arguments)) {
        events.push(
          sse(
            { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: piece } },
            "content_block_delta",
          ),
        );
      }
      events.push(sse({ type: "content_block_stop", index }, "content_block_stop"));
    });
  } else if (completion?.kind === "tool") {
    events.push(
      sse(
        {
          type: "content_block_start",
          index: 0,
          content_block: { type: "tool_use", id: makeId("toolu_01", 22), name: completion.name, input: {} },
        },
        "content_block_start",
      ),
    );
    events.push(sse({ type: "ping" }, "ping"));
    for (const piece of chunkText(completion.arguments)) {
      events.push(
        sse(
          { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: piece } },
          "content_block_delta",
        ),
      );
    }
  } else if (completion) {
    events.push(sse({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }, "content_block_start"));
    events.push(sse({ type: "ping" }, "ping"));
    for (const piece of chunkText(completion.text)) {
      events.push(
        sse({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: piece } }, "content_block_delta"),
      );
    }
  }
  if (flags.malformed)
    events.splice(
      Math.max(2, Math.floor(events.length / 2)),
      0,
      'event: content_block_delta\ndata: {"type": "content_block_delta", "index\n\n',
    );
  const contentEvents = events.length;
  if (completion) events.push(sse({ type: "content_block_stop", index: 0 }, "content_block_stop"));
  events.push(
    sse(
      {
        type: "message_delta",
        delta: { stop_reason: meta.stopReason, stop_sequence: meta.stopSequence, stop_details: meta.stopDetails },
        usage: {
          input_tokens: meta.inputTokens,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          output_tokens: meta.outputTokens,
        },
      },
      "message_delta",
    ),
  );
  events.push(sse({ type: "message_stop" }, "message_stop"));
  return flags.truncate ? { events, cutAfter: Math.max(2, Math.floor(contentEvents / 2) + 1) } : { events };
}

export function anthropicModels(id?: string): PlannedResponse {
  const model = (name: string) => ({ type: "model", id: name, display_name: name, created_at: "2025-01-01T00:00:00Z" });
  if (id !== undefined) return jsonResponse(200, baseHeaders(), model(id));
  const data = ANTHROPIC_MODELS.map(model);
  return jsonResponse(200, baseHeaders(), {
    data,
    has_more: false,
    first_id: data[0]?.id ?? null,
    last_id: data[data.length - 1]?.id ?? null,
  });
}
