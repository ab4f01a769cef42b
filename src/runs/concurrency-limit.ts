/**
 * A counting semaphore shared by the per-chapter nodes of one process.
 *
 * NOTE: concurrency is bounded here instead of with LangGraph's
 * `maxConcurrency`. In @langchain/langgraph 1.7.3, when a task fails in a
 * `Send` fan-out larger than `maxConcurrency`, the tasks that had not started
 * yet are never run on resume. This was reproduced with a 4-chapter graph,
 * maxConcurrency 2 and one injected failure.
 */

/** Limits how many callers run a section at once; waiting callers honour their abort signal. */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: { resolve: () => void; signal?: AbortSignal; onAbort?: () => void }[] = [];

  constructor(private limit: number) {}

  /** Changes the limit; takes effect as slots free up. */
  setLimit(limit: number): void {
    this.limit = Math.max(1, limit);
    this.wake();
  }

  /** Runs `task` once a slot is free, releasing the slot when it settles. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await task();
    } finally {
      this.active -= 1;
      this.wake();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.active < this.limit) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const entry: { resolve: () => void; signal?: AbortSignal; onAbort?: () => void } = { resolve, signal };
      if (signal) {
        entry.onAbort = () => {
          const position = this.waiting.indexOf(entry);
          if (position !== -1) this.waiting.splice(position, 1);
          reject(signal.reason);
        };
        signal.addEventListener("abort", entry.onAbort, { once: true });
      }
      this.waiting.push(entry);
    });
  }

  private wake(): void {
    while (this.active < this.limit && this.waiting.length > 0) {
      const next = this.waiting.shift()!;
      if (next.signal?.aborted) continue;
      // A granted slot no longer needs its abort listener; leaving it would pile up listeners on a long run.
      if (next.onAbort) next.signal?.removeEventListener("abort", next.onAbort);
      this.active += 1;
      next.resolve();
    }
  }
}
