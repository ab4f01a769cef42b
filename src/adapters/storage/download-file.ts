/**
 * Writes a download to a temporary file beside the destination and renames
 * it into place, so a failed or aborted transfer never leaves a truncated
 * file under the destination name for a later step to trust.
 */
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Writable, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/** Streams `source` into `destinationPath`, creating parent folders; the file appears only when complete. */
export async function writeDownload(source: Readable, destinationPath: string, signal?: AbortSignal): Promise<void> {
  await mkdir(path.dirname(destinationPath), { recursive: true });
  const partialPath = `${destinationPath}.${randomUUID()}.partial`;
  try {
    await pipeline(source, createWriteStream(partialPath), { signal });
    await rename(partialPath, destinationPath);
  } catch (error) {
    await rm(partialPath, { force: true });
    throw error;
  }
}

/** Reads `source` fully into memory; `signal` destroys the stream and rejects. */
export async function readToBuffer(source: Readable, signal?: AbortSignal): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const collector = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  await pipeline(source, collector, { signal });
  return Buffer.concat(chunks);
}
