import { describe, expect, it } from "vitest";
import { ByteQueue } from "../../../src/adapters/tts/byte-queue.js";

describe("ByteQueue", () => {
  it("waits until enough bytes arrived", () => {
    const queue = new ByteQueue();
    queue.push(Buffer.from([1, 2]));

    expect(queue.take(3)).toBeUndefined();
    expect(queue.length).toBe(2);
  });

  it("takes across chunk boundaries", () => {
    const queue = new ByteQueue();
    queue.push(Buffer.from([1, 2]));
    queue.push(Buffer.from([3, 4, 5]));
    queue.push(Buffer.from([6]));

    expect(Array.from(queue.take(3)!)).toEqual([1, 2, 3]);
    expect(Array.from(queue.take(3)!)).toEqual([4, 5, 6]);
    expect(queue.length).toBe(0);
  });

  it("takes zero bytes from an empty queue", () => {
    expect(new ByteQueue().take(0)?.length).toBe(0);
  });
});
