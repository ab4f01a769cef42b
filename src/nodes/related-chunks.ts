/** Retrieval of related passages from other chapters, as context for the script writer. */
import { relatedChunksForChapter } from "../indexing/related-chunks.js";
import type { ScriptRequest } from "../script/script-schema.js";
import type { Services } from "../services.js";
import type { ChapterTask } from "../state.js";
import { chunkIndexFor } from "./chunk-index.js";

/** Returns up to `options.retrievalK` chunks of other chapters that resemble this chapter. */
export async function findRelatedChunks(
  services: Services,
  task: ChapterTask,
  chapterText: string,
): Promise<ScriptRequest["relatedChunks"]> {
  if (task.options.retrievalK === 0 || task.chapterCount < 2) return [];
  const index = await chunkIndexFor(services, task.runId, task.options);
  const hits = await relatedChunksForChapter({
    store: index.store,
    collection: index.collection,
    runId: task.runId,
    documentId: task.document.id,
    chapterIndex: task.chapter.index,
    chapterText,
    k: task.options.retrievalK,
  });
  return hits.map((hit) => ({ id: hit.id, chapterTitle: hit.chapterTitle, text: hit.text }));
}
