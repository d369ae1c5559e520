import type { Attributes, Context, Span, Tracer } from "@opentelemetry/api";
import { contentForLog, isKaizenError } from "@kaizen/contracts";
import type { ChatRequest, ChatResponse } from "@kaizen/contracts";
import * as A from "./genai-attributes.js";
import type { Lifecycle, RunCall } from "./lifecycle.js";
import { metricsAreOff, recordChatMetrics } from "./telemetry-metrics.js";
import { toolTracer } from "./telemetry-tools.js";
import { type OtelApi, otelApi } from "./otel-api.js";

// The trace API's tracers are proxies: one taken now follows a TracerProvider registered later.

/** What the spans of one agent's runs say about it, fixed at construction. */
export interface TelemetrySettings {
  /** The signature's name: the run span is `invoke_agent <agentName>`. */
  agentName: string;
  providerName: string;
  /** Record prompt and answer text on the chat spans (`gen_ai.input.messages`, `gen_ai.output.messages`). */
  recordContent: boolean;
}

/**
 * Wraps a run's lifecycle so that it emits one `invoke_agent` span for the run and one `chat`
 * span per model call (re-asks included), both through @opentelemetry/api: with no SDK
 * registered they are non-recording and cost next to nothing. The lifecycle and its drivers stay
 * as they are: this generator passes every effect and its outcome through unchanged. The spans
 * get their parent explicitly (the context active when the run starts), so they nest the same way
 * under run(), runAsync() and streamAsync() with or without a context manager.
 */
export function traceRun(settings: TelemetrySettings, call: RunCall, lifecycle: Lifecycle): Lifecycle {
  // Measured (pnpm bench, telemetry row): non-recording spans, their attributes and the no-op
  // metric calls cost about 2 µs a run, most of an in-memory run's CPU; with no SDK registered
  // for traces or metrics nothing could see them, so the lifecycle runs as it is, unwrapped.
  // Without @opentelemetry/api installed no SDK can be registered either.
  const api = otelApi();
  const tracer = api === undefined ? undefined : activeTracer(api);
  return api === undefined || tracer === undefined ? lifecycle : tracedRun(api, tracer, settings, call, lifecycle);
}

function* tracedRun(api: OtelApi, tracer: Tracer, settings: TelemetrySettings, call: RunCall, lifecycle: Lifecycle): Lifecycle {
  const parent = api.context.active();
  const attributes: Attributes = {
    [A.ATTR_GEN_AI_OPERATION_NAME]: A.GEN_AI_OPERATION_INVOKE_AGENT,
    [A.ATTR_GEN_AI_AGENT_NAME]: settings.agentName,
    [A.ATTR_GEN_AI_PROVIDER_NAME]: settings.providerName,
    [A.ATTR_KAIZEN_RUN_MODE]: call.mode,
  };
  if (call.sessionId !== undefined) attributes[A.ATTR_GEN_AI_CONVERSATION_ID] = call.sessionId;
  const run = tracer.startSpan(`${A.GEN_AI_OPERATION_INVOKE_AGENT} ${settings.agentName}`, { attributes }, parent);
  const runContext = api.trace.setSpan(parent, run);
  const totals = { answers: 0, providerAttempts: 0, inputTokens: 0, outputTokens: 0 };
  let chat: ChatSpan | undefined;
  let value: unknown;
  let failed = false;
  let open = true;
  try {
    for (;;) {
      const step = failed ? lifecycle.throw(value) : lifecycle.next(value);
      if (step.done) {
        open = false;
        endRun(run, totals);
        return step.value;
      }
      let effect = step.value;
      if (effect.op === "chat") chat = new ChatSpan(api, tracer, settings, call, effect.request, ++totals.answers, runContext);
      // Tool calls get their spans from the runner, which knows when each starts and ends.
      if (effect.op === "tools") effect = { ...effect, batch: { ...effect.batch, tracer: toolTracer(api, tracer, runContext) } };
      try {
        value = yield effect;
        failed = false;
      } catch (error) {
        value = error;
        failed = true;
      }
      if (chat !== undefined) {
        if (failed) chat.fail(value);
        else chat.succeed(value as ChatResponse, totals);
        chat = undefined;
      }
    }
  } catch (error) {
    open = false;
    markFailed(api, run, error);
    endRun(run, totals);
    throw error;
  } finally {
    // Reached with the span still open only when the run was abandoned (return() on the generator).
    chat?.end();
    if (open) endRun(run, totals);
  }
}

function endRun(
  run: Span,
  totals: { answers: number; providerAttempts: number; inputTokens: number; outputTokens: number },
): void {
  if (run.isRecording()) {
    run.setAttributes({
      [A.ATTR_KAIZEN_RUN_ATTEMPTS]: totals.answers,
      [A.ATTR_KAIZEN_RUN_PROVIDER_ATTEMPTS]: totals.providerAttempts,
      [A.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: totals.inputTokens,
      [A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: totals.outputTokens,
    });
  }
  run.end();
}

/** `error.type` is the KaizenError's stable `code`; the status message its (key-free) message. */
function markFailed(api: OtelApi, span: Span, error: unknown): string {
  const type = errorType(error);
  span.setAttribute(A.ATTR_ERROR_TYPE, type);
  span.setStatus({ code: api.SpanStatusCode.ERROR, message: error instanceof Error ? error.message : type });
  return type;
}

function errorType(error: unknown): string {
  if (isKaizenError(error)) return error.code;
  if (error instanceof Error && error.name !== "Error") return error.name;
  return "_OTHER";
}

/** One model call: a `chat <model>` client span and the GenAI client metrics. */
class ChatSpan {
  readonly #api: OtelApi;
  readonly #span: Span;
  readonly #started = performance.now();
  readonly #metricAttributes: Attributes;
  readonly #recordContent: boolean;
  #ended = false;

  constructor(
    api: OtelApi,
    tracer: Tracer,
    settings: TelemetrySettings,
    call: RunCall,
    request: ChatRequest,
    attempt: number,
    parent: Context,
  ) {
    this.#api = api;
    this.#metricAttributes = {
      [A.ATTR_GEN_AI_OPERATION_NAME]: A.GEN_AI_OPERATION_CHAT,
      [A.ATTR_GEN_AI_PROVIDER_NAME]: settings.providerName,
      [A.ATTR_GEN_AI_REQUEST_MODEL]: request.model,
    };
    const attributes: Attributes = { ...this.#metricAttributes, [A.ATTR_KAIZEN_CHAT_ATTEMPT]: attempt };
    const generation = request.generationConfig;
    if (generation?.maxTokens !== undefined) attributes[A.ATTR_GEN_AI_REQUEST_MAX_TOKENS] = generation.maxTokens;
    if (generation?.temperature !== undefined) attributes[A.ATTR_GEN_AI_REQUEST_TEMPERATURE] = generation.temperature;
    if (generation?.topP !== undefined) attributes[A.ATTR_GEN_AI_REQUEST_TOP_P] = generation.topP;
    if (call.mode === "stream") attributes[A.ATTR_GEN_AI_REQUEST_STREAM] = true;
    this.#span = tracer.startSpan(
      `${A.GEN_AI_OPERATION_CHAT} ${request.model}`,
      { kind: api.SpanKind.CLIENT, attributes },
      parent,
    );
    // Content is opt-in (it may hold personal data) and serialised only for a span that records.
    this.#recordContent = settings.recordContent && this.#span.isRecording();
    if (this.#recordContent) {
      this.#span.setAttribute(
        A.ATTR_GEN_AI_INPUT_MESSAGES,
        JSON.stringify(
          request.messages.map((m) => ({ role: m.role, parts: [{ type: "text", content: contentForLog(m.content) }] })),
        ),
      );
    }
  }

  succeed(response: ChatResponse, totals: { providerAttempts: number; inputTokens: number; outputTokens: number }): void {
    totals.providerAttempts += response.attempts;
    totals.inputTokens += response.usage.inputTokens;
    totals.outputTokens += response.usage.outputTokens;
    const span = this.#span;
    if (span.isRecording()) {
      const attributes: Attributes = {
        [A.ATTR_GEN_AI_RESPONSE_MODEL]: response.model,
        [A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: [response.finishReason],
        [A.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: response.usage.inputTokens,
        [A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: response.usage.outputTokens,
        [A.ATTR_KAIZEN_CHAT_PROVIDER_ATTEMPTS]: response.attempts,
      };
      if (response.usage.cachedInputTokens !== undefined) {
        attributes[A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = response.usage.cachedInputTokens;
      }
      if (response.responseId !== undefined) attributes[A.ATTR_GEN_AI_RESPONSE_ID] = response.responseId;
      if (this.#recordContent) {
        attributes[A.ATTR_GEN_AI_OUTPUT_MESSAGES] = JSON.stringify([
          { role: "assistant", parts: [{ type: "text", content: response.content }], finish_reason: response.finishReason },
        ]);
      }
      span.setAttributes(attributes);
    }
    recordChatMetrics(
      this.#api,
      { ...this.#metricAttributes, [A.ATTR_GEN_AI_RESPONSE_MODEL]: response.model },
      this.#seconds(),
      response.usage,
    );
    this.end();
  }

  fail(error: unknown): void {
    const type = markFailed(this.#api, this.#span, error);
    recordChatMetrics(this.#api, { ...this.#metricAttributes, [A.ATTR_ERROR_TYPE]: type }, this.#seconds(), undefined);
    this.end();
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#span.end();
  }

  #seconds(): number {
    return (performance.now() - this.#started) / 1000;
  }
}

// The API's no-op tracer provider, the delegate of a proxy nobody registered a provider behind.
let noopTracerProvider: unknown;

/**
 * The tracer of the provider registered now, or undefined when no SDK is registered for traces
 * or for metrics (every span and metric would be dropped). Taken per run, not once at import:
 * an app may register (or, in tests, disable and re-register) its provider at any time.
 */
function activeTracer(api: OtelApi): Tracer | undefined {
  noopTracerProvider ??= new api.ProxyTracerProvider().getDelegate();
  const provider = api.trace.getTracerProvider();
  const delegate = provider instanceof api.ProxyTracerProvider ? provider.getDelegate() : provider;
  if (delegate === noopTracerProvider && metricsAreOff(api)) return undefined;
  return provider.getTracer("@kaizen/core");
}
