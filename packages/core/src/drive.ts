import type { Effect } from "./lifecycle.js";
import { isPromiseLike } from "./hooks.js";

/**
 * Performs one effect: returns its value, a Promise of it, or throws. A synchronous performer
 * (the one `run()` uses) never returns a Promise.
 */
export type Performer = (effect: Effect) => unknown;

/**
 * Steps a lifecycle generator, performing each effect it yields. Stays synchronous for as long as
 * the performer answers synchronously, so one driver serves both `run()` (fully synchronous) and
 * `runAsync()` (continues in `.then` after the first Promise). `value`/`failed` resume a paused
 * lifecycle with a settled effect.
 */
export function drive<T>(
  lifecycle: Generator<Effect, T, unknown>,
  perform: Performer,
  value?: unknown,
  failed = false,
): T | Promise<T> {
  for (;;) {
    const step = resume(lifecycle, value, failed);
    if (step.done) return step.value;
    failed = false;
    try {
      value = perform(step.value);
    } catch (error) {
      value = error;
      failed = true;
      continue;
    }
    if (isPromiseLike(value)) {
      return Promise.resolve(value).then(
        (settled) => drive(lifecycle, perform, settled, false),
        (error: unknown) => drive(lifecycle, perform, error, true),
      );
    }
  }
}

/** Resumes a paused lifecycle with the outcome of its last effect: a value, or an error to throw into it. */
export function resume<T>(lifecycle: Generator<Effect, T, unknown>, value: unknown, failed: boolean): IteratorResult<Effect, T> {
  return failed ? lifecycle.throw(value) : lifecycle.next(value);
}
