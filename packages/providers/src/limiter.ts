// A per-provider cap on in-flight requests; callers beyond it wait in FIFO order. Waiting honours
// the caller's AbortSignal so a queued call can be cancelled before it ever reaches the network.
import { AbortError } from "@kaizen/contracts";

export class ConcurrencyLimiter {
  readonly limit: number;
  #active = 0;
  #queue: Array<{ grant: () => void; reject: (error: unknown) => void }> = [];

  constructor(limit: number) {
    this.limit = limit;
  }

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#queue.length;
  }

  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.#acquire(signal);
    try {
      return await fn();
    } finally {
      this.#release();
    }
  }

  #acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new AbortError());
    if (this.#active < this.limit) {
      this.#active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const entry = {
        grant: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        reject,
      };
      const onAbort = () => {
        const index = this.#queue.indexOf(entry);
        if (index >= 0) this.#queue.splice(index, 1);
        reject(new AbortError());
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#queue.push(entry);
    });
  }

  #release(): void {
    const next = this.#queue.shift();
    // The slot passes straight to the next waiter, so #active stays the same.
    if (next) next.grant();
    else this.#active--;
  }
}

/** Runs `fn` over `items` with at most `limit` at a time; results keep the input order. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  });
  await Promise.all(workers);
  return results;
}

/** Holds one of the limiter's slots for the whole life of a stream, not only its opening. */
export async function* holdDuringStream<T>(
  limiter: ConcurrencyLimiter,
  open: () => AsyncIterable<T>,
  signal: AbortSignal | undefined,
): AsyncGenerator<T, void, undefined> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let granted!: () => void;
  const slot = new Promise<void>((resolve) => {
    granted = resolve;
  });
  const running = limiter.run(async () => {
    granted();
    await held;
  }, signal);
  await Promise.race([slot, running]);
  try {
    yield* open();
  } finally {
    release();
    await running.catch(() => undefined);
  }
}
