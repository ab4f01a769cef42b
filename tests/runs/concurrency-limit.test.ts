import { describe, expect, it } from "vitest";
import { ConcurrencyLimit } from "../../src/runs/concurrency-limit.js";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe("ConcurrencyLimit", () => {
  it("runs at most the limit at once", async () => {
    const limit = new ConcurrencyLimit(2);
    let running = 0;
    let peak = 0;
    const gates = Array.from({ length: 5 }, deferred);
    const tasks = gates.map((gate) =>
      limit.run(async () => {
        running += 1;
        peak = Math.max(peak, running);
        await gate.promise;
        running -= 1;
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(running).toBe(2);
    for (const gate of gates) gate.resolve();
    await Promise.all(tasks);
    expect(peak).toBe(2);
  });

  it("rejects a waiting caller when its signal aborts", async () => {
    const limit = new ConcurrencyLimit(1);
    const gate = deferred();
    const first = limit.run(() => gate.promise);
    const controller = new AbortController();
    const second = limit.run(async () => "ran", controller.signal);
    controller.abort(new Error("stop"));
    await expect(second).rejects.toThrow("stop");
    gate.resolve();
    await first;
    await expect(limit.run(async () => "free again")).resolves.toBe("free again");
  });

  it("removes abort listeners once a slot is granted", async () => {
    const limit = new ConcurrencyLimit(1);
    const controller = new AbortController();
    let added = 0;
    let removed = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => {
      added += 1;
      return add(...args);
    }) as typeof signal.addEventListener;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      removed += 1;
      return remove(...args);
    }) as typeof signal.removeEventListener;
    await Promise.all(Array.from({ length: 20 }, () => limit.run(async () => undefined, signal)));
    expect(added).toBe(19);
    expect(removed).toBe(19);
  });
});
