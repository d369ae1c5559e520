// ChatRequest -> Anthropic Messages API body, and Message -> ChatResponse. Shared by the async,
// sync (bridge) and streaming paths so the three can never disagree on the wire format.
export { toAnthropicMessages } from "./anthropic-messages.js";
import type { ChatRequest, ChatResponse, FinishReason, StructuredOutputMode, ToolCall, Usage } from "@kaizen/contracts";
import { toAnthropicMessages, type AnthropicMessage } from "./anthropic-messages.js";
import { applyAnthropicModelRules, type ApplyRulesOptions } from "./anthropic-model-rules.js";
import { lowerSchemaForAnthropic } from "./anthropic-schema.js";
import { parseJsonFromText } from "./json-from-text.js";

/** The JSON body of `messages.create` (kept as plain data: it also crosses the sync bridge). */
export interface AnthropicParams {
  model: string;
  max_tokens: number;
  messages: AnthropicMessage[];
  system?: string;
  temperature?: number;
  top_p?: number;
  stop_sequences?: string[];
  tools?: Array<{ name: string; description?: string; input_schema: Record<string, unknown>; strict?: boolean }>;
  tool_choice?: { type: "auto" | "any" | "none" } | { type: "tool"; name: string };
  output_config?: { format: { type: "json_schema"; schema: Record<string, unknown> } };
}

export interface AnthropicRequestPlan {
  params: AnthropicParams;
  structuredOutput: StructuredOutputMode | "none";
  /** The forced tool's name when structured output goes through a tool. */
  outputToolName: string | undefined;
}

export interface AnthropicMappingOptions {
  maxTokensDefault: number;
  /** Mark the forced output tool `strict` (grammar-constrained decoding). Default true. */
  strictTools: boolean;
  /** The per-model parameter rules: applied before sending when given. */
  rules?: ApplyRulesOptions;
}

function jsonInstructions(schema: Record<string, unknown>): string {
  return (
    "Respond with a single JSON object and nothing else (no prose, no code fence). " +
    `It must be valid against this JSON Schema:\n${JSON.stringify(schema)}`
  );
}

export function buildAnthropicParams(request: ChatRequest, options: AnthropicMappingOptions): AnthropicRequestPlan {
  const { system, messages } = toAnthropicMessages(request.messages);
  const config = request.generationConfig ?? {};
  const params: AnthropicParams = {
    model: request.model,
    max_tokens: config.maxTokens ?? options.maxTokensDefault,
    messages,
  };
  const systemParts = system === undefined ? [] : [system];
  if (config.temperature !== undefined) params.temperature = config.temperature;
  if (config.topP !== undefined) params.top_p = config.topP;
  if (config.stop !== undefined && config.stop.length > 0) params.stop_sequences = config.stop;
  if (options.rules) applyAnthropicModelRules(params, options.rules);

  const tools: NonNullable<AnthropicParams["tools"]> = (request.tools ?? []).map((tool) =>
    // Strict only when asked: the lowering moves constraints into descriptions, which a tool's
    // own schema should keep unless the caller wants grammar-constrained arguments.
    tool.strict === true && options.strictTools
      ? {
          name: tool.name,
          ...(tool.description === undefined ? {} : { description: tool.description }),
          input_schema: lowerSchemaForAnthropic(tool.parameters).schema,
          strict: true,
        }
      : {
          name: tool.name,
          ...(tool.description === undefined ? {} : { description: tool.description }),
          input_schema: tool.parameters,
        },
  );
  const hasTools = tools.length > 0;
  if (request.toolChoice !== undefined && tools.length > 0) {
    const choice = request.toolChoice;
    params.tool_choice =
      typeof choice === "object"
        ? { type: "tool", name: choice.name }
        : { type: choice === "required" ? "any" : choice === "none" ? "none" : "auto" };
  }

  let structuredOutput: AnthropicRequestPlan["structuredOutput"] = "none";
  let outputToolName: string | undefined;
  const output = request.output;
  if (output !== undefined) {
    const mode = output.mode === undefined || output.mode === "auto" ? "tool" : output.mode;
    if (mode === "tool") {
      const { schema } = lowerSchemaForAnthropic(output.schema);
      tools.push({
        name: output.name,
        description: output.description ?? "Record the answer. Call this tool exactly once with the complete answer.",
        input_schema: schema,
        ...(options.strictTools ? { strict: true } : {}),
      });
      // With the caller's tools beside it, forcing the answer tool would forbid them: the model
      // must call some tool, and calling this one is answering.
      params.tool_choice = hasTools ? { type: "any" } : { type: "tool", name: output.name };
      outputToolName = output.name;
      structuredOutput = "tool";
    } else if (mode === "json_schema") {
      params.output_config = { format: { type: "json_schema", schema: lowerSchemaForAnthropic(output.schema).schema } };
      structuredOutput = "json_schema";
    } else {
      // Anthropic has no JSON mode: json_object and prompt both travel as instructions.
      systemParts.push(jsonInstructions(output.schema));
      structuredOutput = "prompt";
    }
  }
  if (tools.length > 0) params.tools = tools;
  if (systemParts.length > 0) params.system = systemParts.join("\n\n");
  return { params, structuredOutput, outputToolName };
}

export function mapAnthropicFinishReason(reason: string | null | undefined, forcedOutputTool: boolean): FinishReason {
  switch (reason) {
    case "end_turn":
    case "stop_sequence":
      return "stop";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return forcedOutputTool ? "stop" : "tool_calls";
    case "refusal":
      return "refusal";
    default:
      return "other";
  }
}

interface AnthropicUsageLike {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

/**
 * Anthropic's input_tokens leaves out cache reads and writes; the normalised inputTokens counts
 * every input token (as OpenAI's prompt_tokens does), with cache reads also in cachedInputTokens.
 */
export function normalizeAnthropicUsage(usage: AnthropicUsageLike | null | undefined): Usage {
  const cacheRead = usage?.cache_read_input_tokens ?? 0;
  const cacheWrite = usage?.cache_creation_input_tokens ?? 0;
  const inputTokens = (usage?.input_tokens ?? 0) + cacheRead + cacheWrite;
  const outputTokens = usage?.output_tokens ?? 0;
  const out: Usage = { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
  if (usage?.cache_read_input_tokens != null) out.cachedInputTokens = cacheRead;
  const thinking = usage?.output_tokens_details?.thinking_tokens;
  if (typeof thinking === "number") out.reasoningTokens = thinking;
  return out;
}

/** Put between two text blocks that another block (a tool call, search results) stands between. */
export const TEXT_BLOCK_SEPARATOR = "\n\n";

/**
 * Joins a reply's text blocks the way one reads them. Adjacent text blocks are one text split
 * for citations ("born on " + "April 30, 1916" with its citation), so they join with nothing;
 * text blocks with another block between them (text, server_tool_use, web_search_tool_result,
 * text) are separate paragraphs and join with TEXT_BLOCK_SEPARATOR. The stream uses the same
 * rule, so its text deltas add up to the final content.
 */
export class TextBlockJoiner {
  #hasText = false;
  #gap = false;

  /** A non-text block came. */
  other(): void {
    if (this.#hasText) this.#gap = true;
  }

  /** What goes before this piece of a text block (empty pieces take nothing). */
  text(piece: string): string {
    if (piece.length === 0) return "";
    const before = this.#gap ? TEXT_BLOCK_SEPARATOR : "";
    this.#hasText = true;
    this.#gap = false;
    return before;
  }
}

/** The parts of an Anthropic Message this mapping reads (the SDK type, or JSON over the bridge). */
export interface AnthropicMessageLike {
  model: string;
  stop_reason: string | null;
  /** Why it stopped, in detail: a refusal's category and explanation. */
  stop_details?: { explanation?: string | null } | null;
  /** `json`: the tool input's JSON text as streamed (so the content equals the streamed deltas). */
  content: Array<{ type: string; text?: string; id?: string; name?: string; input?: unknown; json?: string }>;
  usage: AnthropicUsageLike;
}

export function toChatResponse(
  message: AnthropicMessageLike,
  plan: AnthropicRequestPlan,
  extra: { attempts: number; requestId: string | undefined; costOf: (model: string, usage: Usage) => number | undefined },
): ChatResponse {
  let text = "";
  let parsed: unknown;
  let outputFound = false;
  let outputJson: string | undefined;
  let outputCall: ToolCall | undefined;
  const toolCalls: ToolCall[] = [];
  const joiner = new TextBlockJoiner();
  for (const block of message.content) {
    if (block.type === "text" && typeof block.text === "string") {
      text += joiner.text(block.text) + block.text;
    } else {
      joiner.other();
    }
    if (block.type === "tool_use") {
      if (plan.outputToolName !== undefined && block.name === plan.outputToolName && !outputFound) {
        outputFound = true;
        parsed = block.input;
        outputJson = block.json;
        const args = block.json !== undefined && block.json !== "" ? block.json : JSON.stringify(block.input ?? {});
        outputCall = { id: block.id ?? "", name: block.name ?? "", arguments: args };
      } else {
        // The streamed JSON text as written, so arguments that do not parse reach the agent as such.
        const args = block.json !== undefined && block.json !== "" ? block.json : JSON.stringify(block.input ?? {});
        toolCalls.push({ id: block.id ?? "", name: block.name ?? "", arguments: args });
      }
    }
  }
  let content = text;
  if (outputFound) {
    content = outputJson ?? JSON.stringify(parsed ?? null);
  } else if (plan.structuredOutput !== "none") {
    parsed = parseJsonFromText(text);
  }
  const usage = normalizeAnthropicUsage(message.usage);
  const response: ChatResponse = {
    content,
    model: message.model,
    finishReason: mapAnthropicFinishReason(message.stop_reason, outputFound),
    usage,
    structuredOutput: plan.structuredOutput,
    attempts: extra.attempts,
  };
  if (parsed !== undefined) response.parsed = parsed;
  if (message.stop_reason) response.rawFinishReason = message.stop_reason;
  const explanation = message.stop_details?.explanation;
  if (typeof explanation === "string" && explanation !== "") response.refusal = explanation;
  if (toolCalls.length > 0) response.toolCalls = toolCalls;
  if (outputCall !== undefined) response.outputToolCall = outputCall;
  if (extra.requestId !== undefined) response.requestId = extra.requestId;
  const cost = extra.costOf(message.model, usage);
  if (cost !== undefined) response.costUsd = cost;
  return response;
}
