// ChatRequest -> chat.completions body, and the completion -> ChatResponse. Pure functions shared
// by the async path, the sync bridge path and OpenAI-compatible providers, so both paths build
// byte-identical requests and parse answers the same way on the caller's thread.
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import { InvalidResponseError } from "@kaizen/contracts";
import type {
  ChatMessage,
  ChatRequest,
  ChatResponse,
  JsonSchema,
  StructuredOutputMode,
  ToolCall,
  Usage,
} from "@kaizen/contracts";
import type { CompatibleVendor } from "./compatible-vendors.js";
import { normalizeCompatibleUsage } from "./normalize-compatible-usage.js";
import { lowerToStrictSchema, restoreOptionalProperties } from "./openai-schema.js";
import { markRefusal } from "./openai-refusal.js";
import { toOpenAIMessage, toOpenAITools, type ArgumentRestorer } from "./openai-tools.js";
import { mapOpenAIFinishReason } from "./stream-openai.js";

export interface OpenAIRequestOptions {
  /** False for endpoints without `json_schema` response formats: auto mode uses json_object. */
  jsonSchema: boolean;
}

export interface OpenAIRequestPlan {
  body: ChatCompletionCreateParamsNonStreaming;
  structuredOutput: StructuredOutputMode | "none";
  /** Turns the answer's text into `parsed`; undefined when no output schema was asked. */
  parseOutput: ((content: string) => unknown) | undefined;
  /** In tool mode the answer is the forced tool call's arguments. */
  outputToolName: string | undefined;
  /** Maps strict mode's nulls in tool arguments back to absent keys; undefined when no tool needs it. */
  restoreArguments: ArgumentRestorer | undefined;
}

/** o-series and gpt-5 models: max_completion_tokens, and no sampling parameters. */
export function isReasoningModel(model: string): boolean {
  const bare = model.includes("/") ? model.slice(model.lastIndexOf("/") + 1) : model;
  return /^o\d/.test(bare) || /^gpt-5/.test(bare);
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function schemaInstruction(schema: JsonSchema, name: string, description?: string): string {
  const about = description ? ` (${description})` : "";
  return `Respond with a single JSON object${about} named "${name}" that conforms to this JSON Schema. Output only the JSON, no prose, no code fences.\nJSON Schema:\n${JSON.stringify(schema)}`;
}

/** Adds an instruction to the first system message, or puts a system message first. */
function withInstruction(messages: ChatCompletionMessageParam[], instruction: string): ChatCompletionMessageParam[] {
  const index = messages.findIndex((m) => m.role === "system");
  if (index < 0) return [{ role: "system", content: instruction }, ...messages];
  const copy = messages.slice();
  const system = copy[index] as { role: "system"; content: string };
  copy[index] = { role: "system", content: `${system.content}\n\n${instruction}` };
  return copy;
}

function toMessages(messages: ChatMessage[]): ChatCompletionMessageParam[] {
  return messages.map(toOpenAIMessage);
}

export function buildOpenAIChatBody(request: ChatRequest, options: OpenAIRequestOptions): OpenAIRequestPlan {
  const config = request.generationConfig ?? {};
  const reasoning = isReasoningModel(request.model);
  let messages = toMessages(request.messages);
  const body: Record<string, unknown> = { model: request.model };

  if (config.maxTokens !== undefined) body[reasoning ? "max_completion_tokens" : "max_tokens"] = config.maxTokens;
  if (!reasoning) {
    if (config.temperature !== undefined) body.temperature = config.temperature;
    if (config.topP !== undefined) body.top_p = config.topP;
    if (config.presencePenalty !== undefined) body.presence_penalty = config.presencePenalty;
    if (config.frequencyPenalty !== undefined) body.frequency_penalty = config.frequencyPenalty;
  }
  if (config.stop !== undefined && config.stop.length > 0) body.stop = config.stop;
  if (config.seed !== undefined) body.seed = config.seed;

  let restoreArguments: ArgumentRestorer | undefined;
  const hasTools = request.tools !== undefined && request.tools.length > 0;
  if (hasTools) {
    const translated = toOpenAITools(request.tools!);
    body.tools = translated.tools;
    restoreArguments = translated.restore;
  }
  if (request.toolChoice !== undefined) {
    body.tool_choice =
      typeof request.toolChoice === "string"
        ? request.toolChoice
        : { type: "function", function: { name: request.toolChoice.name } };
  }

  let structuredOutput: StructuredOutputMode | "none" = "none";
  let parseOutput: ((content: string) => unknown) | undefined;
  let outputToolName: string | undefined;
  const output = request.output;
  if (output) {
    const lowering = lowerToStrictSchema(output.schema);
    const asked = output.mode ?? "auto";
    const mode: StructuredOutputMode =
      asked === "auto" ? (options.jsonSchema && lowering.ok ? "json_schema" : "json_object") : asked;
    structuredOutput = mode;
    // Restoring only undoes the nulls strict mode forced on optional properties: with none (the
    // common case) the walk over every answer would change nothing.
    const restore =
      lowering.ok && lowering.madeNullable
        ? (text: string) => {
            const value = tryParse(text);
            return value === undefined ? undefined : restoreOptionalProperties(value, output.schema);
          }
        : tryParse;
    parseOutput = tryParse;
    switch (mode) {
      case "json_schema":
        body.response_format = {
          type: "json_schema",
          json_schema: {
            name: output.name,
            ...(output.description ? { description: output.description } : {}),
            // A schema that cannot be strict is still sent when json_schema is forced, non-strict.
            schema: lowering.ok ? lowering.schema : output.schema,
            strict: lowering.ok,
          },
        };
        parseOutput = restore;
        break;
      case "tool":
        outputToolName = output.name;
        body.tools = [
          ...((body.tools as unknown[] | undefined) ?? []),
          {
            type: "function",
            function: {
              name: output.name,
              description: output.description ?? "Return the final answer as this function's arguments.",
              parameters: lowering.ok ? lowering.schema : output.schema,
              strict: lowering.ok,
            },
          },
        ];
        // With the caller's tools beside it, forcing the answer function would forbid them: the
        // model must call some function, and calling this one is answering.
        body.tool_choice = hasTools ? "required" : { type: "function", function: { name: output.name } };
        parseOutput = restore;
        break;
      case "json_object":
        body.response_format = { type: "json_object" };
        messages = withInstruction(messages, schemaInstruction(output.schema, output.name, output.description));
        break;
      case "prompt":
        messages = withInstruction(messages, schemaInstruction(output.schema, output.name, output.description));
        break;
    }
  }
  body.messages = messages;
  return {
    body: body as unknown as ChatCompletionCreateParamsNonStreaming,
    structuredOutput,
    parseOutput,
    outputToolName,
    restoreArguments,
  };
}

/** OpenAI's own usage block as a Usage (see normalize-compatible-usage.ts for the other vendors). */
export function usageFromOpenAI(usage: ChatCompletion["usage"] | undefined | null): Usage {
  return normalizeCompatibleUsage(usage, "openai").usage;
}

export interface ParseCompletionContext {
  provider: string;
  plan: OpenAIRequestPlan;
  requestId: string | undefined;
  attempts: number;
  computeCost?: (model: string, usage: Usage) => number | undefined;
  /** How the usage block is read. Default "openai". */
  vendor?: CompatibleVendor;
}

/** Throws InvalidResponseError when the body is not a chat completion (e.g. an HTML error page). */
export function parseOpenAIChatCompletion(data: unknown, context: ParseCompletionContext): ChatResponse {
  const completion = data as Partial<ChatCompletion> | null | undefined;
  const choice =
    typeof completion === "object" && completion !== null && Array.isArray(completion.choices)
      ? completion.choices[0]
      : undefined;
  if (!choice || typeof choice !== "object" || !choice.message) {
    const seen = typeof data === "string" ? "text that is not a chat completion" : "JSON without choices[0].message";
    throw new InvalidResponseError(`${context.provider}: the API answered with ${seen}.`, {
      provider: context.provider,
      retryable: true,
      ...(context.requestId === undefined ? {} : { requestId: context.requestId }),
    });
  }
  const message = choice.message;
  const { plan } = context;
  const toolCalls: ToolCall[] = [];
  for (const call of message.tool_calls ?? []) {
    if (call.type !== "function") continue;
    const mapped: ToolCall = { id: call.id, name: call.function.name, arguments: call.function.arguments };
    toolCalls.push(plan.restoreArguments && call.function.name !== plan.outputToolName ? plan.restoreArguments(mapped) : mapped);
  }
  let content = message.content ?? "";
  let finishReason = mapOpenAIFinishReason(choice.finish_reason);
  let remainingCalls = toolCalls;
  if (plan.outputToolName !== undefined) {
    const outputCall = toolCalls.find((c) => c.name === plan.outputToolName);
    if (outputCall) {
      content = outputCall.arguments;
      remainingCalls = toolCalls.filter((c) => c !== outputCall);
      if (finishReason === "tool_calls") finishReason = "stop";
    }
  }
  const { usage, reportedCostUsd } = normalizeCompatibleUsage(completion?.usage, context.vendor ?? "openai");
  const model = typeof completion?.model === "string" ? completion.model : "";
  const response: ChatResponse = {
    content,
    model,
    finishReason,
    usage,
    structuredOutput: plan.structuredOutput,
    attempts: context.attempts,
  };
  if (plan.parseOutput) {
    const parsed = plan.parseOutput(content);
    if (parsed !== undefined) response.parsed = parsed;
  }
  markRefusal(response, message.refusal, choice.finish_reason);
  const cost = reportedCostUsd ?? context.computeCost?.(model, usage);
  if (cost !== undefined) response.costUsd = cost;
  if (remainingCalls.length > 0) response.toolCalls = remainingCalls;
  const outputCall = plan.outputToolName === undefined ? undefined : toolCalls.find((c) => c.name === plan.outputToolName);
  if (outputCall !== undefined) response.outputToolCall = outputCall;
  if (context.requestId !== undefined) response.requestId = context.requestId;
  return response;
}
