import { OutputTruncatedError, TimeoutError } from "@kaizen/contracts";
import type {
  ChatMessage,
  ChatRequest,
  ChatResponse,
  GenerationConfig,
  OutputSchemaSpec,
  Tool,
  ToolCall,
  ToolSpec,
} from "@kaizen/contracts";
import type { MemoryContext, NewTurn } from "@kaizen/memory";
import { formatIssuesForReask, parseOutputs, validateInputs } from "@kaizen/signatures";
import type { AnySignature } from "@kaizen/signatures";
import { MaxCyclesError, OutputValidationError } from "./errors.js";
import { finishError } from "./finish-decision.js";
import type { HookName, RunEventBase } from "./hooks.js";
import { buildMessages } from "./messages.js";
import { assertProviderTakesImages, inputsForMemory } from "./image-inputs.js";
import { addUsage, emptyUsage, recordRunInfo } from "./run-info.js";
import type { RunInfo } from "./run-info.js";
import { resultContent } from "./tool-runner.js";
import type { ToolBatch } from "./tool-runner.js";
import type { ApprovalHandler, RunStep, ToolCallRecord } from "./tool-types.js";

/**
 * What the lifecycle asks its driver to do. The lifecycle itself does no I/O: `run()` performs
 * these effects with blocking calls, `runAsync()` with Promises, `streamAsync()` by streaming the
 * chat. One lifecycle, three drivers, no duplicated run logic.
 */
export type Effect =
  | {
      op: "load";
      sessionId: string;
      maxTurns: number | undefined;
      maxTokens: number | undefined;
      signal: AbortSignal | undefined;
    }
  | { op: "check-write"; sessionId: string; signal: AbortSignal | undefined }
  | { op: "chat"; request: ChatRequest }
  | { op: "append"; sessionId: string; turn: NewTurn; signal: AbortSignal | undefined }
  /** Runs the tool calls of one reply; resolves to one record per call, in the calls' order. */
  | { op: "tools"; step: number; batch: ToolBatch; concurrency: number }
  | { op: "hook"; name: HookName; event: RunEventBase };

/** Everything about an agent that does not change between runs, computed once. */
export interface RunPlan {
  signature: AnySignature;
  systemMessage: ChatMessage;
  output: OutputSchemaSpec;
  model: string;
  generationConfig: GenerationConfig | undefined;
  maxReasks: number;
  /** What a cut-off answer does: throw, or ask again with a doubled budget up to maxTokensCeiling. */
  onTruncated: "throw" | "retry-with-more";
  maxTokensCeiling: number | undefined;
  memoryMaxTurns: number | undefined;
  memoryMaxTokens: number | undefined;
  /** The memory can tell whether a turn could be written now (checkWritable / checkWritableAsync). */
  memoryChecksWrites: boolean;
  defaultTimeoutMs: number | undefined;
  providerName: string;
  /** The provider's `supportsImages`: a request with image parts is refused before it is sent otherwise. */
  providerSupportsImages?: boolean;
  /** The provider's `supportsFiles` (PDF file parts), checked the same way. */
  providerSupportsFiles?: boolean;
  hooks: Readonly<Record<HookName, boolean>>;
  /** The agent's tools by name; undefined when it has none. */
  tools: ReadonlyMap<string, Tool> | undefined;
  /** The tools as the model sees them (sent with every request of the run). */
  toolSpecs: readonly ToolSpec[] | undefined;
  maxCycles: number;
  toolConcurrency: number;
  toolTimeoutMs: number | undefined;
}

export interface RunCall {
  runId: number;
  mode: "sync" | "async" | "stream";
  inputs: Record<string, unknown>;
  sessionId: string | undefined;
  /** The caller's signal, combined with the timeout's in async modes. */
  signal: AbortSignal | undefined;
  timeoutMs: number | undefined;
  /** Fires when `timeoutMs` runs out (async modes), so an abort it caused becomes a TimeoutError. */
  timeoutSignal: AbortSignal | undefined;
  /** Decides on tool calls that need approval; without it they are denied. */
  onApproval: ApprovalHandler | undefined;
}

export type Lifecycle = Generator<Effect, Record<string, unknown>, unknown>;

export function* runLifecycle(plan: RunPlan, call: RunCall): Lifecycle {
  const started = performance.now();
  const event: RunEventBase = { runId: call.runId, mode: call.mode, inputs: call.inputs, sessionId: call.sessionId };
  try {
    if (plan.hooks.beforeRun) yield { op: "hook", name: "beforeRun", event };
    const inputs = validateInputs(plan.signature, call.inputs) as Record<string, unknown>;
    const context =
      call.sessionId === undefined
        ? undefined
        : ((yield {
            op: "load",
            sessionId: call.sessionId,
            maxTurns: plan.memoryMaxTurns,
            maxTokens: plan.memoryMaxTokens,
            signal: call.signal,
          }) as MemoryContext);
    // Before the model is paid for: a session that cannot be written now (a locked SQLite file)
    // fails the run here, not after the answer is bought and then lost.
    if (call.sessionId !== undefined && plan.memoryChecksWrites) {
      yield { op: "check-write", sessionId: call.sessionId, signal: call.signal };
    }
    const messages = buildMessages(plan.signature, plan.systemMessage, inputs, context, plan.tools !== undefined);
    assertProviderTakesImages(messages, {
      name: plan.providerName,
      supportsImages: plan.providerSupportsImages === true,
      supportsFiles: plan.providerSupportsFiles === true,
    });
    const timeoutMs = call.timeoutMs ?? plan.defaultTimeoutMs;
    const deadline = timeoutMs === undefined ? undefined : started + timeoutMs;

    const usage = emptyUsage();
    const requestIds: string[] = [];
    const steps: RunStep[] = [];
    // The turn's tool exchange (assistant calls and results): saved with the turn, never the re-asks.
    const exchange: ChatMessage[] = [];
    let costUsd: number | undefined;
    let providerAttempts = 0;
    let attempts = 0;
    let truncationRetries = 0;
    // The budget of the next request: the agent's, or a larger one after a cut-off answer.
    let generationConfig = plan.generationConfig;
    let cycles = 0;
    let response: ChatResponse;
    let outputs: Record<string, unknown>;
    for (;;) {
      const request: ChatRequest = { messages, model: plan.model, output: plan.output };
      if (plan.toolSpecs !== undefined) request.tools = plan.toolSpecs as ToolSpec[];
      if (generationConfig !== undefined) request.generationConfig = generationConfig;
      if (call.signal !== undefined) request.signal = call.signal;
      if (deadline !== undefined) request.timeoutMs = remainingTime(deadline, timeoutMs!, plan.providerName);
      const asked = performance.now();
      response = (yield { op: "chat", request }) as ChatResponse;
      const step: RunStep = { step: steps.length + 1, toolCalls: [], usage: response.usage, modelMs: performance.now() - asked };
      if (response.costUsd !== undefined) step.costUsd = response.costUsd;
      steps.push(step);

      addUsage(usage, response.usage);
      if (response.costUsd !== undefined) costUsd = (costUsd ?? 0) + response.costUsd;
      if (response.requestId !== undefined) requestIds.push(response.requestId);
      providerAttempts += response.attempts;
      if (response.attempts > 1 && plan.hooks.onRetry) {
        yield { op: "hook", name: "onRetry", event: { ...event, kind: "provider", attempt: response.attempts } as RunEventBase };
      }

      // With structured output through the answer tool, a reply may answer and call tools at once.
      // The answer was written before those tools' results existed, so it is final only from a
      // reply that called no other tool: otherwise the tools run, the answer call is told it was
      // not accepted, and the model answers again having read the results.
      const answerCall = response.outputToolCall;
      const calls =
        plan.tools === undefined
          ? undefined
          : answerCall === undefined
            ? response.toolCalls
            : response.toolCalls?.filter((c) => c.name !== answerCall.name);
      if (calls !== undefined && calls.length > 0) {
        if (cycles >= plan.maxCycles) {
          throw new MaxCyclesError({ maxCycles: plan.maxCycles, cyclesUsed: cycles, pendingTools: calls.map((c) => c.name) });
        }
        cycles++;
        if (plan.hooks.onToolCall) {
          for (const c of calls) {
            const called = { ...event, step: step.step, id: c.id, name: c.name, arguments: c.arguments };
            yield { op: "hook", name: "onToolCall", event: called as RunEventBase };
          }
        }
        const batch: ToolBatch = {
          calls,
          tools: plan.tools!,
          runId: String(call.runId),
          sessionId: call.sessionId,
          signal: call.signal,
          onApproval: call.onApproval,
          timeoutMs: plan.toolTimeoutMs,
        };
        const records = (yield { op: "tools", step: step.step, batch, concurrency: plan.toolConcurrency }) as ToolCallRecord[];
        step.toolCalls = records;
        // Every call of the reply goes back under its id (both wire protocols require a result for
        // each), the refused answer calls included; their JSON is not repeated as assistant text.
        const refused =
          answerCall === undefined ? [] : [answerCall, ...response.toolCalls!.filter((c) => c.name === answerCall.name)];
        if (answerCall !== undefined) step.rejectedAnswer = response.parsed ?? response.content;
        const content = answerCall === undefined ? response.content : "";
        const turn: ChatMessage[] = [{ role: "assistant", content, toolCalls: [...calls, ...refused] }];
        for (const record of records) turn.push(toolMessage(record));
        for (const answer of refused) turn.push(refusedAnswerMessage(answer, calls));
        messages.push(...turn);
        exchange.push(...turn);
        if (plan.hooks.onToolResult) {
          for (const record of records) {
            yield { op: "hook", name: "onToolResult", event: { ...event, step: step.step, call: record } as RunEventBase };
          }
        }
        continue;
      }

      attempts++;
      const parsed = parseOutputs(plan.signature, response.parsed ?? response.content);
      const stopped = finishError(response, {
        provider: plan.providerName,
        maxTokens: generationConfig?.maxTokens,
        parsed: parsed.ok,
      });
      if (stopped instanceof OutputTruncatedError && plan.onTruncated === "retry-with-more") {
        const previous = generationConfig?.maxTokens;
        const next = largerBudget(previous, response.usage.outputTokens, plan.maxTokensCeiling);
        if (next === undefined) throw ceilingReached(stopped, plan.maxTokensCeiling);
        truncationRetries++;
        generationConfig = Object.freeze({ ...generationConfig, maxTokens: next });
        if (plan.hooks.onRetry) {
          const retry = {
            ...event,
            kind: "truncated",
            attempt: attempts + 1,
            previousMaxTokens: previous,
            maxTokens: next,
            outputTokens: response.usage.outputTokens,
          };
          yield { op: "hook", name: "onRetry", event: retry as RunEventBase };
        }
        // The same question again: the cut-off answer is not shown to the model.
        continue;
      }
      if (stopped) throw stopped;
      if (parsed.ok) {
        outputs = parsed.value as Record<string, unknown>;
        break;
      }
      // Retries for a larger budget are not re-asks: they do not use up maxReasks.
      if (attempts - truncationRetries > plan.maxReasks) {
        throw new OutputValidationError({ rawText: response.content || parsed.raw, issues: parsed.issues, attempts });
      }
      if (plan.hooks.onRetry) {
        const retry = { ...event, kind: "reask", attempt: attempts + 1, issues: parsed.issues, rawText: response.content };
        yield { op: "hook", name: "onRetry", event: retry as RunEventBase };
      }
      messages.push(
        { role: "assistant", content: response.content || parsed.raw },
        { role: "user", content: formatIssuesForReask(parsed.issues) },
      );
    }

    if (call.sessionId !== undefined) {
      const metadata: Record<string, unknown> = { model: response.model, attempts };
      if (exchange.length > 0) metadata.exchange = exchange;
      const turn: NewTurn = { inputs: inputsForMemory(plan.signature, inputs) as NewTurn["inputs"], outputs, metadata };
      yield { op: "append", sessionId: call.sessionId, turn, signal: call.signal };
    }

    const info: RunInfo = {
      runId: call.runId,
      mode: call.mode,
      attempts,
      providerAttempts,
      usage,
      latencyMs: performance.now() - started,
      rawText: response.content,
      model: response.model,
      structuredOutput: response.structuredOutput,
      finishReason: response.finishReason,
      requestIds,
      steps,
      toolCycles: cycles,
    };
    if (costUsd !== undefined) info.costUsd = costUsd;
    if (call.sessionId !== undefined) info.sessionId = call.sessionId;
    recordRunInfo(outputs, info);
    if (plan.hooks.afterRun) yield { op: "hook", name: "afterRun", event: { ...event, outputs, info } as RunEventBase };
    return outputs;
  } catch (caught) {
    const error = call.timeoutSignal?.aborted && !(caught instanceof TimeoutError) ? timeoutError(plan, call, caught) : caught;
    if (plan.hooks.onError) yield { op: "hook", name: "onError", event: { ...event, error } as RunEventBase };
    throw error;
  }
}

/** Twice the budget (or the tokens the cut answer used), capped; undefined when the cap allows no more. */
export function largerBudget(previous: number | undefined, used: number, ceiling: number | undefined): number | undefined {
  if (ceiling === undefined) return undefined;
  const base = previous ?? used;
  const next = Math.min(ceiling, Math.max(1, base) * 2);
  return next > (previous ?? used) ? next : undefined;
}

function ceilingReached(error: OutputTruncatedError, ceiling: number | undefined): OutputTruncatedError {
  return new OutputTruncatedError(
    `${error.message} onTruncated "retry-with-more" stopped at maxTokensCeiling = ${String(ceiling)}. Fix: raise maxTokensCeiling, or ask for a shorter output.`,
    {
      provider: error.provider,
      ...(error.maxTokens === undefined ? {} : { maxTokens: error.maxTokens }),
      ...(error.outputTokens === undefined ? {} : { outputTokens: error.outputTokens }),
    },
  );
}

function toolMessage(record: ToolCallRecord): ChatMessage {
  const message: ChatMessage = { role: "tool", toolCallId: record.id, toolName: record.name, content: resultContent(record) };
  if (record.status !== "ok") message.isError = true;
  return message;
}

function refusedAnswerMessage(answer: ToolCall, calls: readonly ToolCall[]): ChatMessage {
  const others = [...new Set(calls.map((c) => c.name))].join(", ");
  return {
    role: "tool",
    toolCallId: answer.id,
    toolName: answer.name,
    content:
      `Not accepted: this reply also called ${others}, so the answer was written before their results. ` +
      `Read the results above, then call ${answer.name} once, alone, with the final answer.`,
    isError: true,
  };
}

function timeoutError(plan: RunPlan, call: RunCall, cause: unknown): TimeoutError {
  const timeoutMs = call.timeoutMs ?? plan.defaultTimeoutMs;
  return new TimeoutError(
    `The run took longer than its ${timeoutMs} ms budget. Fix: raise timeoutMs (in the run options or BaseAgentConfig).`,
    {
      provider: plan.providerName,
      timeoutMs,
      retryable: false,
      cause,
    },
  );
}

function remainingTime(deadline: number, timeoutMs: number, provider: string): number {
  const left = Math.floor(deadline - performance.now());
  if (left <= 0) {
    throw new TimeoutError(
      `The run took longer than its ${timeoutMs} ms budget. Fix: raise timeoutMs (in the run options or BaseAgentConfig).`,
      {
        provider,
        timeoutMs,
        retryable: false,
      },
    );
  }
  return left;
}
