import { TimeoutError } from "@kaizen/contracts";
import type {
  ChatMessage,
  ChatRequest,
  ChatResponse,
  GenerationConfig,
  OutputSchemaSpec,
  Tool,
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
  | { op: "load"; sessionId: string; maxTurns: number | undefined; signal: AbortSignal | undefined }
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
  memoryMaxTurns: number | undefined;
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
            signal: call.signal,
          }) as MemoryContext);
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
    let cycles = 0;
    let response: ChatResponse;
    let outputs: Record<string, unknown>;
    for (;;) {
      const request: ChatRequest = { messages, model: plan.model, output: plan.output };
      if (plan.toolSpecs !== undefined) request.tools = plan.toolSpecs as ToolSpec[];
      if (plan.generationConfig !== undefined) request.generationConfig = plan.generationConfig;
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

      const calls = plan.tools === undefined ? undefined : response.toolCalls;
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
        const turn: ChatMessage[] = [{ role: "assistant", content: response.content, toolCalls: calls }];
        for (const record of records) turn.push(toolMessage(record));
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
        maxTokens: plan.generationConfig?.maxTokens,
        parsed: parsed.ok,
      });
      if (stopped) throw stopped;
      if (parsed.ok) {
        outputs = parsed.value as Record<string, unknown>;
        break;
      }
      if (attempts > plan.maxReasks) {
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

function toolMessage(record: ToolCallRecord): ChatMessage {
  const message: ChatMessage = { role: "tool", toolCallId: record.id, toolName: record.name, content: resultContent(record) };
  if (record.status !== "ok") message.isError = true;
  return message;
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
