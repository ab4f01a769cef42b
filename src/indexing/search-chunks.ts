/**
 * Similarity search over indexed chunks, with input checks that turn bad
 * requests into named errors instead of backend failures.
 */
import type { VectorStore } from "@langchain/core/vectorstores";
import { toStoreFilter, type ChunkFilter } from "../adapters/vectorstore/chunk-filter.js";
import { readChunkMetadata } from "./chunk-metadata.js";
import { InvalidSearchError, RunNotIndexedError, VectorIndexError } from "./indexing-errors.js";

/** Largest number of hits one search returns. */
export const MAX_SEARCH_K = 100;

/** Inputs of `searchChunks`. */
export interface SearchChunksInput extends ChunkFilter {
  store: VectorStore;
  /** Collection searched, named in error messages. */
  collection: string;
  query: string;
  /** Number of hits wanted, from 1 to `MAX_SEARCH_K`. */
  k: number;
}

/** One search result: a chunk, where it sits in its document, and its similarity to the query. */
export interface ChunkHit {
  /** The splitter's chunk id. */
  id: string;
  /** Id of the vector in the store. */
  vectorId: string;
  /** Cosine similarity to the query; higher is closer. */
  score: number;
  runId: string;
  documentId: string;
  chapterIndex: number;
  chapterTitle: string;
  chunkIndex: number;
  start: number;
  end: number;
  text: string;
}

/** Returns the `k` chunks most similar to `query`, best first, within the filter's run, document and chapters. */
export async function searchChunks(input: SearchChunksInput): Promise<ChunkHit[]> {
  const query = input.query.trim();
  if (query.length === 0) {
    throw new InvalidSearchError("search query is empty; pass the words or sentence to look for");
  }
  validateK(input.k);

  const hits = await searchStore(input, query);
  if (hits.length === 0 && input.runId !== undefined && input.excludeChapterIndex === undefined) {
    // Every indexed chunk of a run matches a filter on that run alone, so an
    // empty result means the run has nothing indexed in this collection.
    throw new RunNotIndexedError(input.runId, input.collection);
  }
  return hits;
}

/** Checks a result count; exported for callers that validate flags before opening the index. */
export function validateK(k: number): void {
  if (!Number.isInteger(k) || k < 1 || k > MAX_SEARCH_K) {
    throw new InvalidSearchError(`invalid result count k=${k}; expected a whole number from 1 to ${MAX_SEARCH_K}`);
  }
}

/** Runs the similarity search without the input checks of `searchChunks`. */
export async function searchStore(input: SearchChunksInput, query: string): Promise<ChunkHit[]> {
  const { store, collection, k } = input;
  let results: Awaited<ReturnType<VectorStore["similaritySearchWithScore"]>>;
  try {
    results = await store.similaritySearchWithScore(query, k, toStoreFilter(store, input));
  } catch (error) {
    throw new VectorIndexError(
      collection,
      `searching ${collection} for ${JSON.stringify(truncate(query, 60))} failed: ${(error as Error).message}; ` +
        "check that the vector store is reachable and the collection was indexed with the same embeddings",
      { cause: error },
    );
  }

  const hits: ChunkHit[] = [];
  for (const [document, score] of results) {
    const metadata = readChunkMetadata(document.metadata as Record<string, unknown>);
    // Vectors written by other tools into the same collection carry no chunk metadata.
    if (!metadata) continue;
    hits.push({
      id: metadata.chunkId,
      vectorId: document.id ?? "",
      score,
      runId: metadata.runId,
      documentId: metadata.documentId,
      chapterIndex: metadata.chapterIndex,
      chapterTitle: metadata.chapterTitle,
      chunkIndex: metadata.chunkIndex,
      start: metadata.start,
      end: metadata.end,
      text: document.pageContent,
    });
  }
  return hits;
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}
