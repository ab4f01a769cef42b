/**
 * The chunk index of a run, opened once per process and shared by the nodes
 * that write to it (indexChunks) and read from it (writeScript).
 */
import { openChunkIndex, type ChunkIndex } from "../indexing/open-chunk-index.js";
import type { RunOptions } from "../config.js";
import type { Services } from "../services.js";

const opened = new Map<string, Promise<ChunkIndex>>();

/** Returns the chunk index for the run's embeddings provider and vector store. */
export function chunkIndexFor(services: Services, options: RunOptions): Promise<ChunkIndex> {
  const cacheKey = JSON.stringify([services.config.workspace, options.embeddingsProvider, options.vectorStore]);
  let index = opened.get(cacheKey);
  if (!index) {
    index = openChunkIndex({
      config: services.config,
      embeddingsProvider: options.embeddingsProvider,
      vectorStore: options.vectorStore,
    });
    index.catch(() => opened.delete(cacheKey));
    opened.set(cacheKey, index);
  }
  return index;
}

/** Closes every index this process opened, so the CLI can exit promptly. */
export async function closeChunkIndexes(): Promise<void> {
  const all = [...opened.values()];
  opened.clear();
  await Promise.all(all.map(async (index) => (await index.catch(() => undefined))?.close()));
}
