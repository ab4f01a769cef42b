/**
 * Indexes the chunks of one document through LangChain's `index()` API, so
 * re-indexing is idempotent. Unchanged chunks are skipped, and the chunks of a
 * changed chapter replace that chapter's old chunks. Removed text leaves the
 * store, because cleanup is "incremental" with one source id per chapter.
 */
import { Document } from "@langchain/core/documents";
import { index, type RecordManagerInterface } from "@langchain/core/indexing";
import type { VectorStore } from "@langchain/core/vectorstores";
import { getLogger } from "../logger.js";
import { chapterSourceId, chapterSourceIdPrefix, type ChunkMetadata, type IndexableChunk } from "./chunk-metadata.js";
import { InvalidChunkError, VectorIndexError } from "./indexing-errors.js";

/** Inputs of `indexDocumentChunks`. */
export interface IndexDocumentChunksInput {
  runId: string;
  /**
   * Id of the document. Chunks are replaced chapter by chapter only under
   * the same run and document id. doc2video passes the content hash, so an
   * edited file indexes as a new document.
   */
  documentId: string;
  chunks: readonly IndexableChunk[];
  store: VectorStore;
  recordManager: ChunkRecordManager;
  /** Collection name reported back, from `collectionName()`. */
  collection: string;
}

/** A record manager that can also list the source ids it holds, to find chapters that disappeared. */
export interface ChunkRecordManager extends RecordManagerInterface {
  listGroupIds(prefix: string): Promise<string[]>;
}

/** Counts reported by `indexDocumentChunks`. */
export interface IndexDocumentChunksResult {
  numAdded: number;
  numUpdated: number;
  numSkipped: number;
  numDeleted: number;
  collection: string;
}

const logger = getLogger("index-document-chunks");

/** Embeds and stores the chunks of one document, skipping those already indexed unchanged. */
export async function indexDocumentChunks(input: IndexDocumentChunksInput): Promise<IndexDocumentChunksResult> {
  const { runId, documentId, chunks, store, recordManager, collection } = input;
  validateIds(runId, documentId);
  const documents = chunks.map((chunk) => toDocument(runId, documentId, chunk));

  // NOTE: offsets are part of each chunk's hash, so an edit that changes a
  // chapter's length also replaces the chunks of later chapters. Their text
  // is unchanged, so `openChunkIndex()`'s embeddings cache spares remote
  // providers the calls, but the hashing embedder computes them again.
  const totals = { numAdded: 0, numUpdated: 0, numSkipped: 0, numDeleted: 0 };
  try {
    // One index() call per chapter, in one batch: index() cleans up a source
    // id after each batch, so a chapter split over two batches would lose its
    // not-yet-seen chunks and re-embed them.
    for (const chapterDocuments of groupByChapter(documents)) {
      const result = await index({
        docsSource: chapterDocuments,
        recordManager,
        vectorStore: store,
        options: { cleanup: "incremental", sourceIdKey: "sourceId", batchSize: chapterDocuments.length },
      });
      totals.numAdded += result.numAdded;
      totals.numUpdated += result.numUpdated;
      totals.numSkipped += result.numSkipped;
      totals.numDeleted += result.numDeleted;
    }
    totals.numDeleted += await deleteRemovedChapters(input, documents);
  } catch (error) {
    throw new VectorIndexError(
      collection,
      `indexing ${chunks.length} chunks of document ${documentId} (run ${runId}) into ${collection} failed: ${(error as Error).message}; ` +
        "check that the vector store is reachable, then index again: chunks already stored are skipped",
      { cause: error },
    );
  }

  logger.info({ runId, documentId, collection, chunks: chunks.length, ...totals }, "indexed document chunks");
  return { ...totals, collection };
}

function groupByChapter(documents: Document<ChunkMetadata>[]): Document<ChunkMetadata>[][] {
  const groups = new Map<number, Document<ChunkMetadata>[]>();
  for (const document of documents) {
    const group = groups.get(document.metadata.chapterIndex) ?? [];
    group.push(document);
    groups.set(document.metadata.chapterIndex, group);
  }
  return [...groups.values()];
}

/**
 * Deletes the chunks of chapters this document no longer has. Incremental
 * cleanup only visits source ids that appear in the new input, so a chapter
 * that vanished entirely would otherwise stay in the store.
 */
async function deleteRemovedChapters(input: IndexDocumentChunksInput, documents: Document<ChunkMetadata>[]): Promise<number> {
  const { runId, documentId, store, recordManager } = input;
  const current = new Set(documents.map((document) => document.metadata.sourceId));
  const stored = await recordManager.listGroupIds(chapterSourceIdPrefix(runId, documentId));
  const removed = stored.filter((sourceId) => !current.has(sourceId));
  if (removed.length === 0) return 0;

  const keys = await recordManager.listKeys({ groupIds: removed });
  if (keys.length === 0) return 0;
  await store.delete({ ids: keys });
  await recordManager.deleteKeys(keys);
  return keys.length;
}

function validateIds(runId: string, documentId: string): void {
  if (runId.trim().length === 0) throw new InvalidChunkError("run id is empty; pass the id of the run the chunks belong to");
  if (documentId.trim().length === 0) {
    throw new InvalidChunkError(`document id is empty for run ${runId}; pass the document's content hash`);
  }
}

function toDocument(runId: string, documentId: string, chunk: IndexableChunk): Document<ChunkMetadata> {
  if (chunk.text.trim().length === 0) {
    throw new InvalidChunkError(
      `chunk ${chunk.id} (chapter ${chunk.chapterIndex}, chunk ${chunk.chunkIndex}) has no text; drop empty chunks before indexing`,
    );
  }
  if (!(chunk.start >= 0 && chunk.end > chunk.start)) {
    throw new InvalidChunkError(
      `chunk ${chunk.id} has invalid offsets [${chunk.start}, ${chunk.end}); expected 0 <= start < end`,
    );
  }
  return new Document<ChunkMetadata>({
    pageContent: chunk.text,
    metadata: {
      runId,
      documentId,
      chunkId: chunk.id,
      chapterIndex: chunk.chapterIndex,
      chapterTitle: chunk.chapterTitle,
      chunkIndex: chunk.chunkIndex,
      start: chunk.start,
      end: chunk.end,
      sourceId: chapterSourceId(runId, documentId, chunk.chapterIndex),
    },
  });
}
