/**
 * The chunk shape the indexer accepts and the metadata stored with each
 * vector. The chunk type is structural so any splitter that produces these
 * fields can feed the index.
 */

/** One chunk of a chapter, with offsets into the document's normalised text. */
export interface IndexableChunk {
  id: string;
  chapterIndex: number;
  chapterTitle: string;
  /** Position of the chunk within its chapter. */
  chunkIndex: number;
  /** Half-open range [start, end) in the normalised document text, in UTF-16 code units. */
  start: number;
  end: number;
  text: string;
}

/** Metadata stored with every chunk vector. */
export interface ChunkMetadata {
  runId: string;
  /** Document id: the SHA-256 of the normalised text in doc2video. */
  documentId: string;
  /** The splitter's id of the chunk. */
  chunkId: string;
  chapterIndex: number;
  chapterTitle: string;
  chunkIndex: number;
  start: number;
  end: number;
  /** Group key of LangChain's record manager: cleanup replaces chunks per source id. */
  sourceId: string;
}

/**
 * Returns the source id of one chapter of one document in one run. Runs are
 * part of it so that indexing a document in a new run leaves the chunks of
 * earlier runs, which their scripts refer to, in place.
 */
export function chapterSourceId(runId: string, documentId: string, chapterIndex: number): string {
  return `${chapterSourceIdPrefix(runId, documentId)}${chapterIndex}`;
}

/** Returns the part of `chapterSourceId()` shared by every chapter of one document in one run. */
export function chapterSourceIdPrefix(runId: string, documentId: string): string {
  return `${runId}/${documentId}#`;
}

/** Reads chunk metadata back from a stored document, or `undefined` when a field is missing. */
export function readChunkMetadata(metadata: Record<string, unknown>): ChunkMetadata | undefined {
  const { runId, documentId, chunkId, chapterIndex, chapterTitle, chunkIndex, start, end, sourceId } = metadata;
  if (
    typeof runId !== "string" ||
    typeof documentId !== "string" ||
    typeof chunkId !== "string" ||
    typeof chapterIndex !== "number" ||
    typeof chapterTitle !== "string" ||
    typeof chunkIndex !== "number" ||
    typeof start !== "number" ||
    typeof end !== "number" ||
    typeof sourceId !== "string"
  ) {
    return undefined;
  }
  return { runId, documentId, chunkId, chapterIndex, chapterTitle, chunkIndex, start, end, sourceId };
}
