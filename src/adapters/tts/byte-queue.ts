/**
 * Bytes received from a stream, consumed from the front in exact sizes.
 * Taking n bytes copies only those bytes, so reading a large frame that
 * arrives in many chunks stays linear in its size.
 */
export class ByteQueue {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  /** Bytes received and not yet taken. */
  get length(): number {
    return this.size;
  }

  /** Appends a received chunk. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  /** Removes and returns the first `count` bytes, or returns undefined while fewer have arrived. */
  take(count: number): Buffer | undefined {
    if (count > this.size) return undefined;
    const parts: Buffer[] = [];
    let needed = count;
    while (needed > 0) {
      const head = this.chunks[0] as Buffer;
      if (head.length <= needed) {
        parts.push(head);
        this.chunks.shift();
        needed -= head.length;
      } else {
        parts.push(head.subarray(0, needed));
        this.chunks[0] = head.subarray(needed);
        needed = 0;
      }
    }
    this.size -= count;
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, count);
  }
}
