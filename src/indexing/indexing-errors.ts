/** Named errors of chunk indexing and search. */
import { Doc2VideoError } from "../errors.js";

/** Chunks or ids handed to the indexer that cannot be indexed as given. */
export class InvalidChunkError extends Doc2VideoError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InvalidChunkError";
  }
}

/** A search request with an empty query or an out-of-range result count. */
export class InvalidSearchError extends Doc2VideoError {
  constructor(message: string) {
    super(message);
    this.name = "InvalidSearchError";
  }
}

/** A search restricted to a run that has no chunks in the collection searched. */
export class RunNotIndexedError extends Doc2VideoError {
  constructor(
    readonly runId: string,
    readonly collection: string,
  ) {
    super(
      `run ${JSON.stringify(runId)} has no indexed chunks in collection ${collection}; ` +
        "check the run id, or index the run with the same EMBEDDINGS_PROVIDER and VECTOR_STORE first",
    );
    this.name = "RunNotIndexedError";
  }
}

/** A vector store or record manager call that failed during indexing or search. */
export class VectorIndexError extends Doc2VideoError {
  constructor(
    readonly collection: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "VectorIndexError";
  }
}
