// Checks and helpers every backend shares, so all of them accept and refuse the same things.
import { MemoryError, MemoryOptionsError } from "./errors.js";
import type { JsonObject, LoadOptions, NewTurn, RetentionOptions, Turn } from "./types.js";

export function checkRetention(
  options: RetentionOptions,
  backend: string,
): { maxTurns: number | undefined; ttlMs: number | undefined } {
  const { maxTurns, ttlMs } = options;
  if (maxTurns !== undefined && (!Number.isSafeInteger(maxTurns) || maxTurns < 1)) {
    throw new MemoryOptionsError(
      "maxTurns",
      `maxTurns must be a positive integer, got ${String(maxTurns)}. Fix: pass e.g. maxTurns: 50, or leave it out for no limit.`,
      backend,
    );
  }
  if (ttlMs !== undefined && (!Number.isFinite(ttlMs) || ttlMs <= 0)) {
    throw new MemoryOptionsError(
      "ttlMs",
      `ttlMs must be a positive number of milliseconds, got ${String(ttlMs)}. Fix: pass e.g. ttlMs: 86_400_000 (one day), or leave it out to keep sessions forever.`,
      backend,
    );
  }
  return { maxTurns, ttlMs: ttlMs === undefined ? undefined : Math.ceil(ttlMs) };
}

export function checkLoadOptions(
  options: LoadOptions | undefined,
  backend: string,
): { maxTurns: number | undefined; maxTokens: number | undefined } {
  const maxTurns = options?.maxTurns;
  const maxTokens = options?.maxTokens;
  if (maxTurns !== undefined && (!Number.isSafeInteger(maxTurns) || maxTurns < 0)) {
    throw new MemoryOptionsError("maxTurns", `load option maxTurns must be an integer >= 0, got ${String(maxTurns)}.`, backend);
  }
  if (maxTokens !== undefined && (!Number.isFinite(maxTokens) || maxTokens < 0)) {
    throw new MemoryOptionsError("maxTokens", `load option maxTokens must be a number >= 0, got ${String(maxTokens)}.`, backend);
  }
  return { maxTurns, maxTokens };
}

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Validates a new turn and returns its JSON text parts, so every backend stores exactly what JSON can hold. */
export function serializeTurn(turn: NewTurn, backend: string): { inputs: string; outputs: string; metadata: string | undefined } {
  if (!isPlainObject(turn)) {
    throw new MemoryError("invalid_turn", `A turn must be an object { inputs, outputs, metadata? }, got ${describe(turn)}.`, {
      backend,
    });
  }
  for (const field of ["inputs", "outputs"] as const) {
    if (!isPlainObject(turn[field])) {
      throw new MemoryError(
        "invalid_turn",
        `turn.${field} must be a plain object, got ${describe(turn[field])}. Fix: wrap the value, e.g. { ${field}: { text: value } }.`,
        { backend },
      );
    }
  }
  if (turn.metadata !== undefined && !isPlainObject(turn.metadata)) {
    throw new MemoryError("invalid_turn", `turn.metadata must be a plain object when given, got ${describe(turn.metadata)}.`, {
      backend,
    });
  }
  try {
    return {
      inputs: JSON.stringify(turn.inputs),
      outputs: JSON.stringify(turn.outputs),
      metadata: turn.metadata === undefined ? undefined : JSON.stringify(turn.metadata),
    };
  } catch (err) {
    throw new MemoryError(
      "invalid_turn",
      `The turn cannot be stored as JSON: ${err instanceof Error ? err.message : String(err)}. Fix: store plain data (no cycles, no BigInt).`,
      { backend, cause: err },
    );
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}

/** Estimated tokens of a turn: its JSON length / 4, rounded up (the usual ~4 characters a token). */
export function estimateTurnTokens(turn: Pick<Turn, "inputs" | "outputs" | "metadata">): number {
  return Math.ceil(JSON.stringify({ inputs: turn.inputs, outputs: turn.outputs, metadata: turn.metadata }).length / 4);
}

/** Estimated tokens of a text: its length / 4, rounded up. */
export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * Applies maxTurns and maxTokens to turns ordered oldest first: keeps the latest turns that fit.
 * A turn that does not fit ends the selection, so the result is always a contiguous tail.
 */
export function selectLatest(turns: Turn[], maxTurns: number | undefined, maxTokens: number | undefined): Turn[] {
  let out = maxTurns === undefined ? turns : maxTurns === 0 ? [] : turns.slice(-maxTurns);
  if (maxTokens !== undefined) {
    let budget = maxTokens;
    let start = out.length;
    while (start > 0) {
      const cost = estimateTurnTokens(out[start - 1] as Turn);
      if (cost > budget) break;
      budget -= cost;
      start -= 1;
    }
    out = out.slice(start);
  }
  return out;
}

export function buildTurn(
  sessionId: string,
  row: { id: string; seq: number; inputs: string; outputs: string; metadata: string | null | undefined; createdAt: number },
): Turn {
  const turn: Turn = {
    id: row.id,
    sessionId,
    seq: row.seq,
    inputs: JSON.parse(row.inputs) as JsonObject,
    outputs: JSON.parse(row.outputs) as JsonObject,
    createdAt: row.createdAt,
  };
  if (row.metadata !== null && row.metadata !== undefined) turn.metadata = JSON.parse(row.metadata) as JsonObject;
  return turn;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  signal?.throwIfAborted();
}

/** Resolves or rejects with `promise`, or rejects with the signal's reason as soon as it aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err as Error);
      },
    );
  });
}
