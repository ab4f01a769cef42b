/**
 * A counting semaphore shared by the per-chapter nodes of one process.
 *
 * NOTE: concurrency is bounded here instead of with LangGraph's
 * `maxConcurrency`, because in @langchain/langgraph 1.7.3 a failing task in a
 * `Send` fan-out larger than `maxConcurrency` loses the tasks that had not
 * started yet: they are never run on resume (reproduced with a 4-chapter
 * graph, maxConcurrency 2 and one injected failure).
 */

/** Limits how many callers run a section at once; waiting callers honour their abort signal. */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: { resolve: () => void; reject: (error: unknown) => void; signal?: AbortSignal }[] = [];

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
      const entry = { resolve, reject, signal };
      this.waiting.push(entry);
      signal?.addEventListener(
        "abort",
        () => {
          const position = this.waiting.indexOf(entry);
          if (position !== -1) this.waiting.splice(position, 1);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  private wake(): void {
    while (this.active < this.limit && this.waiting.length > 0) {
      const next = this.waiting.shift()!;
      if (next.signal?.aborted) continue;
      this.active += 1;
      next.resolve();
    }
  }
}
