/**
 * The chunk index of a run, opened once per process and shared by the nodes
 * that write to it (indexChunks) and read from it (writeScript).
 */
import { ArchivingEmbeddings } from "../archive/archiving-embeddings.js";
import { openChunkIndex, type ChunkIndex } from "../indexing/open-chunk-index.js";
import type { RunOptions } from "../config.js";
import type { Services } from "../services.js";

/** Open indexes by cache key, with the run each belongs to so a finished run can close its own. */
const opened = new Map<string, { runId: string; index: Promise<ChunkIndex> }>();

/**
 * Returns the chunk index for the run's embeddings provider and vector store.
 * Its embeddings calls are archived under the run, so the index is opened once per run.
 */
export function chunkIndexFor(services: Services, runId: string, options: RunOptions): Promise<ChunkIndex> {
  const cacheKey = JSON.stringify([services.config.workspace, runId, options.embeddingsProvider, options.vectorStore]);
  let index = opened.get(cacheKey)?.index;
  if (!index) {
    index = openChunkIndex({
      config: services.config,
      embeddingsProvider: options.embeddingsProvider,
      vectorStore: options.vectorStore,
      wrapEmbeddings: (inner, provider) =>
        new ArchivingEmbeddings(inner, {
          storage: services.storage,
          runId,
          // Indexing and the retrieval for every chapter share this instance, so calls are filed per run.
          context: { node: "embeddings" },
          provider,
          recordVectors: provider !== "local",
        }),
    });
    index.catch(() => opened.delete(cacheKey));
    opened.set(cacheKey, { runId, index });
  }
  return index;
}

/** Closes the indexes opened for `runId`, or every index when no run is given. */
export async function closeChunkIndexes(runId?: string): Promise<void> {
  const closing: Promise<ChunkIndex>[] = [];
  for (const [cacheKey, entry] of opened) {
    if (runId !== undefined && entry.runId !== runId) continue;
    opened.delete(cacheKey);
    closing.push(entry.index);
  }
  await Promise.all(closing.map(async (index) => (await index.catch(() => undefined))?.close()));
}
