/**
 * Retrieval for the script writer: passages from the rest of the document
 * that resemble the chapter being written.
 */
import type { VectorStore } from "@langchain/core/vectorstores";
import { searchStore, validateK, type ChunkHit } from "./search-chunks.js";

/** Inputs of `relatedChunksForChapter`. */
export interface RelatedChunksInput {
  store: VectorStore;
  collection: string;
  runId: string;
  documentId: string;
  chapterIndex: number;
  /** Text of the chapter being written; it is the query. */
  chapterText: string;
  /** Number of passages wanted; 0 turns retrieval off. */
  k: number;
}

// Remote embedding models cap their input (8,191 tokens for OpenAI's
// text-embedding-3 models), so the query is the chapter's opening part.
const MAX_QUERY_CHARS = 6000;

/** Returns the `k` chunks of other chapters of the same document and run most similar to the chapter, best first. */
export async function relatedChunksForChapter(input: RelatedChunksInput): Promise<ChunkHit[]> {
  if (input.k === 0) return [];
  validateK(input.k);
  const query = input.chapterText.trim().slice(0, MAX_QUERY_CHARS);
  if (query.length === 0) return [];

  return searchStore(
    {
      store: input.store,
      collection: input.collection,
      query,
      k: input.k,
      runId: input.runId,
      documentId: input.documentId,
      excludeChapterIndex: input.chapterIndex,
    },
    query,
  );
}
