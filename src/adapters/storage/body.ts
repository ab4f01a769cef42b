/**
 * Normalises a `PutBody` for upload: every backend needs the SHA-256 and the
 * size before it writes (for the create-only check and for multipart), so a
 * stream is first spooled to a temporary file.
 */
import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { PutBody } from "./storage-adapter.js";

/** A body whose hash and size are known, either in memory or in a file. */
export type PreparedBody =
  | { kind: "buffer"; buffer: Buffer; sha256: string; bytes: number }
  | { kind: "file"; path: string; sha256: string; bytes: number; cleanup: () => Promise<void> };

/** Returns the hex SHA-256 of a buffer. */
export function sha256OfBuffer(buffer: Buffer | Uint8Array | string): string {
  return createHash("sha256").update(buffer).digest("hex");
}

/** Streams a file through SHA-256. */
export async function sha256OfFile(filePath: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(filePath), hash, { signal });
  return hash.digest("hex");
}

/** Computes hash and size of `body`, spooling streams to a temporary file. */
export async function prepareBody(body: PutBody, signal?: AbortSignal): Promise<PreparedBody> {
  if (typeof body === "string" || Buffer.isBuffer(body) || body instanceof Uint8Array) {
    const buffer = typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body);
    return { kind: "buffer", buffer, sha256: sha256OfBuffer(buffer), bytes: buffer.length };
  }
  if (body instanceof Readable) {
    const spoolDir = path.join(os.tmpdir(), "doc2video-spool");
    await mkdir(spoolDir, { recursive: true });
    const spoolPath = path.join(spoolDir, randomUUID());
    const hash = createHash("sha256");
    body.on("data", (chunk: Buffer) => hash.update(chunk));
    await pipeline(body, createWriteStream(spoolPath), { signal });
    const { size } = await stat(spoolPath);
    return {
      kind: "file",
      path: spoolPath,
      sha256: hash.digest("hex"),
      bytes: size,
      cleanup: () => rm(spoolPath, { force: true }),
    };
  }
  const { size } = await stat(body.path);
  return {
    kind: "file",
    path: body.path,
    sha256: await sha256OfFile(body.path, signal),
    bytes: size,
    cleanup: async () => {},
  };
}
