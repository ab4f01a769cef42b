/**
 * Writes an output file under a temporary name in the same folder and renames
 * it into place only when the writer succeeds, so a killed or failed ffmpeg
 * never leaves a half-written file at the final path.
 */
import { randomUUID } from "node:crypto";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";

/** Runs `write` with a temporary path next to `outputPath`, then renames it to `outputPath`; removes it when `write` throws. */
export async function writeThroughPartialFile<T>(outputPath: string, write: (partialPath: string) => Promise<T>): Promise<T> {
  const directory = path.dirname(outputPath);
  await mkdir(directory, { recursive: true });
  // Same folder, so the rename stays on one file system and is atomic.
  const partialPath = path.join(directory, `.${path.basename(outputPath)}.${randomUUID().slice(0, 8)}.partial`);
  try {
    const result = await write(partialPath);
    await rename(partialPath, outputPath);
    return result;
  } catch (error) {
    await rm(partialPath, { force: true });
    throw error;
  }
}
