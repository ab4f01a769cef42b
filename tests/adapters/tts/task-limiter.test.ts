import { describe, expect, it } from "vitest";
import { TaskLimiter } from "../../../src/adapters/tts/task-limiter.js";

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe("TaskLimiter", () => {
  it("runs at most the limit at once", async () => {
    const limiter = new TaskLimiter(2);
    let running = 0;
    let peak = 0;
    const task = async (): Promise<void> => {
      running += 1;
      peak = Math.max(peak, running);
      await delay(10);
      running -= 1;
    };
    await Promise.all(Array.from({ length: 7 }, () => limiter.run(task)));

    expect(peak).toBe(2);
  });

  it("starts waiting tasks in order", async () => {
    const limiter = new TaskLimiter(1);
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((n) => limiter.run(async () => order.push(n))));

    expect(order).toEqual([1, 2, 3]);
  });

  it("frees the slot when a task fails", async () => {
    const limiter = new TaskLimiter(1);
    await expect(limiter.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");

    expect(await limiter.run(async () => "next")).toBe("next");
  });

  it("rejects a limit below one", () => {
    expect(() => new TaskLimiter(0)).toThrow("invalid concurrency 0; expected an integer >= 1");
  });
});
