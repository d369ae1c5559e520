// Runs the tool calls of one reply. Validation, approval, timeouts and error reporting live here,
// once, for run() (synchronous, one call after another on the caller's thread) and for runAsync /
// streamAsync (concurrent, at most `concurrency` at once). A failure of one call becomes that
// call's result for the model; only an aborted run (or a misuse in run()) ends the run.
import { AbortError, ConfigurationError, redactSecrets } from "@kaizen/contracts";
import type { Tool, ToolCall } from "@kaizen/contracts";
import { isPromiseLike } from "./hooks.js";
import type { ToolSpan, ToolTracer } from "./telemetry-tools.js";
import type { ApprovalHandler, ToolCallRecord } from "./tool-types.js";

export interface ToolBatch {
  calls: readonly ToolCall[];
  tools: ReadonlyMap<string, Tool>;
  runId: string;
  sessionId: string | undefined;
  signal: AbortSignal | undefined;
  onApproval: ApprovalHandler | undefined;
  timeoutMs: number | undefined;
  /** One span per call, when the run is traced. */
  tracer?: ToolTracer;
}

type Prepared = { done: ToolCallRecord } | { tool: Tool; input: unknown; approval: boolean | PromiseLike<boolean> };

function record(
  call: ToolCall,
  status: ToolCallRecord["status"],
  input: unknown,
  error: string,
  started: number,
): ToolCallRecord {
  return { id: call.id, name: call.name, input, status, error: redactSecrets(error), ms: performance.now() - started };
}

/** Checks the call up to approval: an unknown tool or invalid input ends it here, never reaching execute. */
function prepare(call: ToolCall, batch: ToolBatch, started: number): Prepared {
  const tool = batch.tools.get(call.name);
  if (tool === undefined) {
    const known = [...batch.tools.keys()].join(", ");
    return { done: record(call, "unknown", call.arguments, `There is no tool named "${call.name}". Tools: ${known}.`, started) };
  }
  let raw: unknown;
  try {
    raw = call.arguments.trim() === "" ? {} : JSON.parse(call.arguments);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return {
      done: record(
        call,
        "invalid",
        call.arguments,
        `The arguments are not valid JSON (${why}). Call ${call.name} again with a JSON object.`,
        started,
      ),
    };
  }
  const checked = tool.parseInput(raw);
  if (!checked.success) {
    return {
      done: record(
        call,
        "invalid",
        raw,
        `Invalid input for ${call.name}: ${checked.message}. Fix the arguments and call it again.`,
        started,
      ),
    };
  }
  const input = checked.value;
  const rule = tool.needsApproval;
  let needs: unknown;
  try {
    needs = typeof rule === "function" ? rule(input) : rule === true;
  } catch (error) {
    // A rule that cannot decide does not let the call through.
    return {
      done: record(
        call,
        "denied",
        input,
        `The call to ${call.name} was denied: ${thrownMessage("needsApproval", error)}`,
        started,
      ),
    };
  }
  const approve = (required: boolean): boolean | PromiseLike<boolean> => {
    if (!required) return true;
    if (batch.onApproval === undefined) return false;
    return batch.onApproval({ id: call.id, name: call.name, input, tool });
  };
  const approval = isPromiseLike(needs)
    ? Promise.resolve(needs as PromiseLike<unknown>).then((required) => approve(required !== false))
    : approve(needs !== false);
  return { tool, input, approval };
}

const deniedMessage = (call: ToolCall, batch: ToolBatch): string =>
  batch.onApproval === undefined
    ? `The call to ${call.name} was denied: it needs approval and no approver is configured. Do not retry it; answer without it.`
    : `The call to ${call.name} was denied by the approver. Do not retry it; answer without it.`;

function thrownMessage(name: string, error: unknown): string {
  return `${name} failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
}

function succeeded(call: ToolCall, input: unknown, output: unknown, started: number): ToolCallRecord {
  try {
    if (typeof output !== "string") JSON.stringify(output);
  } catch (error) {
    return record(
      call,
      "error",
      input,
      thrownMessage(call.name, new TypeError(`returned a value that is not JSON-serialisable (${String(error)})`)),
      started,
    );
  }
  return { id: call.id, name: call.name, input, output, status: "ok", ms: performance.now() - started };
}

/** run(): each call on the caller's thread, in order. A Promise where run() cannot wait is a ConfigurationError. */
export function runToolsSync(batch: ToolBatch): ToolCallRecord[] {
  return batch.calls.map((call) => {
    const span = batch.tracer?.start(call);
    try {
      const done = runOneSync(call, batch, span);
      span?.end(done);
      return done;
    } catch (error) {
      span?.fail(error);
      throw error;
    }
  });
}

function runOneSync(call: ToolCall, batch: ToolBatch, span: ToolSpan | undefined): ToolCallRecord {
  const started = performance.now();
  const prepared = prepare(call, batch, started);
  if ("done" in prepared) return prepared.done;
  if (isPromiseLike(prepared.approval))
    throw asyncInRun(call.name, "its approval (needsApproval or onApproval) returned a Promise");
  if (!prepared.approval) return record(call, "denied", prepared.input, deniedMessage(call, batch), started);
  if (batch.signal?.aborted) throw new AbortError("The run was aborted before a tool ran.", { cause: batch.signal.reason });
  let output: unknown;
  const executing = performance.now();
  try {
    const ctx = context(call, batch, batch.signal ?? new AbortController().signal);
    output = span ? span.run(() => prepared.tool.execute(prepared.input, ctx)) : prepared.tool.execute(prepared.input, ctx);
  } catch (error) {
    return record(call, "error", prepared.input, thrownMessage(call.name, error), started);
  }
  if (isPromiseLike(output)) {
    // Nobody will wait for it: keep its rejection from going unhandled.
    Promise.resolve(output).catch(() => undefined);
    throw asyncInRun(call.name, "its execute returned a Promise");
  }
  // JavaScript cannot preempt a synchronous execute: the limit can only be applied once it returns.
  const overrun = overran(call.name, executing, batch.timeoutMs);
  if (overrun !== undefined) return record(call, "timeout", prepared.input, overrun, started);
  return succeeded(call, prepared.input, output, started);
}

function asyncInRun(name: string, what: string): ConfigurationError {
  return new ConfigurationError(
    `The tool "${name}" cannot run in run(): ${what}, and run() blocks its thread, so it cannot wait for one. ` +
      `Fix: call runAsync() or streamAsync() (useAsyncLlm: true), or make the tool's execute and approval synchronous.`,
    { field: "tools" },
  );
}

const timeoutMessage = (name: string, ms: number): string =>
  `${name} did not finish within toolTimeoutMs (${ms} ms) and was cancelled. Try again with a smaller request, or answer without it.`;

/** The result to report when a call that could not be interrupted returned past its limit. */
function overran(name: string, executing: number, timeoutMs: number | undefined): string | undefined {
  if (timeoutMs === undefined) return undefined;
  const took = Math.round(performance.now() - executing);
  if (took <= timeoutMs) return undefined;
  return (
    `${name} ran for ${took} ms, past toolTimeoutMs (${timeoutMs} ms); it could not be interrupted, ` +
    `so it ran to the end and its output was discarded. Try again with a smaller request, or answer without it.`
  );
}

function context(call: ToolCall, batch: ToolBatch, signal: AbortSignal) {
  return {
    signal,
    toolCallId: call.id,
    runId: batch.runId,
    ...(batch.sessionId === undefined ? {} : { sessionId: batch.sessionId }),
  };
}

/** runAsync / streamAsync: the calls run concurrently, at most `concurrency` at once; results keep the calls' order. */
export async function runToolsAsync(batch: ToolBatch, concurrency: number): Promise<ToolCallRecord[]> {
  const results: ToolCallRecord[] = new Array<ToolCallRecord>(batch.calls.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batch.calls.length) {
      const index = next++;
      results[index] = await tracedRun(batch.calls[index]!, batch);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batch.calls.length) }, worker));
  return results;
}

async function tracedRun(call: ToolCall, batch: ToolBatch): Promise<ToolCallRecord> {
  const span = batch.tracer?.start(call);
  try {
    const done = await runOne(call, batch, span);
    span?.end(done);
    return done;
  } catch (error) {
    span?.fail(error);
    throw error;
  }
}

async function runOne(call: ToolCall, batch: ToolBatch, span: ToolSpan | undefined): Promise<ToolCallRecord> {
  const started = performance.now();
  const prepared = prepare(call, batch, started);
  if ("done" in prepared) return prepared.done;
  let approved: boolean;
  try {
    approved = await prepared.approval;
  } catch (error) {
    return record(
      call,
      "denied",
      prepared.input,
      `${deniedMessage(call, batch)} (the approver failed: ${thrownMessage("onApproval", error)})`,
      started,
    );
  }
  if (approved !== true) return record(call, "denied", prepared.input, deniedMessage(call, batch), started);
  const run = batch.signal;
  if (run?.aborted) throw new AbortError("The run was aborted before a tool ran.", { cause: run.reason });
  const own = new AbortController();
  const signal = run === undefined ? own.signal : AbortSignal.any([run, own.signal]);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<"timeout">((resolve, reject) => {
    if (batch.timeoutMs !== undefined) {
      timer = setTimeout(() => {
        own.abort(new AbortError(timeoutMessage(call.name, batch.timeoutMs!)));
        resolve("timeout");
      }, batch.timeoutMs);
    }
    onAbort = () => reject(new AbortError("The run was aborted while a tool was running.", { cause: run?.reason }));
    run?.addEventListener("abort", onAbort, { once: true });
  });
  try {
    const ctx = context(call, batch, signal);
    let executing = performance.now();
    const execute = () => {
      executing = performance.now();
      return prepared.tool.execute(prepared.input, ctx);
    };
    const executed = Promise.resolve().then(() => (span ? span.run(execute) : execute()));
    const outcome = await Promise.race([executed.then((value) => ({ value })), stopped]);
    if (outcome === "timeout") {
      executed.catch(() => undefined);
      return record(call, "timeout", prepared.input, timeoutMessage(call.name, batch.timeoutMs!), started);
    }
    // A synchronous execute blocks the timer too, so it "wins" the race however long it took:
    // hold it to the same limit as in run().
    const overrun = overran(call.name, executing, batch.timeoutMs);
    if (overrun !== undefined) return record(call, "timeout", prepared.input, overrun, started);
    return succeeded(call, prepared.input, outcome.value, started);
  } catch (error) {
    if (run?.aborted)
      throw error instanceof AbortError
        ? error
        : new AbortError("The run was aborted while a tool was running.", { cause: error });
    return record(call, "error", prepared.input, thrownMessage(call.name, error), started);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    if (onAbort !== undefined) run?.removeEventListener("abort", onAbort);
    stopped.catch(() => undefined);
  }
}

/** The text the model reads as a call's result. */
export function resultContent(call: ToolCallRecord): string {
  if (call.status !== "ok") return call.error ?? `${call.name} failed.`;
  return typeof call.output === "string" ? call.output : (JSON.stringify(call.output) ?? "null");
}
