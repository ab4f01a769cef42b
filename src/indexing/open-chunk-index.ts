/**
 * Opens everything a chunk index needs from configuration: the embeddings
 * backend, its collection, the vector store and the record manager.
 */
import path from "node:path";
import type { Embeddings } from "@langchain/core/embeddings";
import type { VectorStore } from "@langchain/core/vectorstores";
import type { AppConfig, EmbeddingsProviderName, VectorStoreName } from "../config.js";
import { workspacePaths } from "../workspace.js";
import {
  createEmbeddings,
  resolveEmbeddingDimension,
  type EmbeddingsBackend,
} from "../adapters/embeddings/create-embeddings.js";
import { collectionName } from "../adapters/vectorstore/collection-name.js";
import { createVectorStore } from "../adapters/vectorstore/create-vector-store.js";
import { LocalVectorStore } from "../adapters/vectorstore/local-vector-store.js";
import { CachedEmbeddings } from "../adapters/embeddings/cached-embeddings.js";
import { SqliteRecordManager } from "./sqlite-record-manager.js";

/** An opened chunk index: the store, its record manager and the collection they share. */
export interface ChunkIndex {
  store: VectorStore;
  recordManager: SqliteRecordManager;
  collection: string;
  embeddings: EmbeddingsBackend;
  dimension: number;
  vectorStore: VectorStoreName;
  /** Closes the record manager, the embeddings cache and the local store's files. */
  close(): Promise<void>;
}

/** Options of `openChunkIndex`; unset fields come from `config.runDefaults`. */
export interface OpenChunkIndexOptions {
  config: AppConfig;
  embeddingsProvider?: EmbeddingsProviderName;
  vectorStore?: VectorStoreName;
  /** SQLite file of the record manager; defaults to `record-manager.sqlite` in the workspace's vectors folder. */
  recordManagerPath?: string;
  /** SQLite file of the embeddings cache of remote providers; defaults to `embeddings-cache.sqlite` beside it. */
  embeddingsCachePath?: string;
  /**
   * Wraps the provider's embeddings before caching, so only real provider
   * calls pass through the wrapper; doc2video archives them with it.
   */
  wrapEmbeddings?: (inner: Embeddings, provider: EmbeddingsProviderName) => Embeddings;
}

/** Returns the default record manager file under a workspace. */
export function defaultRecordManagerPath(workspaceRoot: string): string {
  return path.join(workspacePaths(workspaceRoot).vectorsDir, "record-manager.sqlite");
}

/** Opens the chunk index configured for a run, creating the record manager schema when missing. */
export async function openChunkIndex(options: OpenChunkIndexOptions): Promise<ChunkIndex> {
  const { config } = options;
  const provider = options.embeddingsProvider ?? config.runDefaults.embeddingsProvider;
  const vectorStore = options.vectorStore ?? config.runDefaults.vectorStore;

  const created = createEmbeddings(provider, config);
  const backend: EmbeddingsBackend = options.wrapEmbeddings
    ? { ...created, embeddings: options.wrapEmbeddings(created.embeddings, provider) }
    : created;
  const dimension = await resolveEmbeddingDimension(backend);
  // Hashing embeddings take about 0.1 ms per 1,000-character chunk, so only
  // remote providers, whose calls cost time and money, are cached.
  const cache =
    provider === "local"
      ? undefined
      : new CachedEmbeddings(
          backend.embeddings,
          backend.modelId,
          options.embeddingsCachePath ?? path.join(workspacePaths(config.workspace).vectorsDir, "embeddings-cache.sqlite"),
        );
  const embeddings: EmbeddingsBackend = cache ? { ...backend, embeddings: cache } : backend;
  const collection = collectionName(embeddings.modelId, dimension);
  const store = await createVectorStore(vectorStore, { config, embeddings: embeddings.embeddings, collection, dimension });

  // An in-memory store loses its vectors on exit. Its records must not outlive
  // it, or the next process would skip chunks that are no longer stored.
  const recordManagerPath =
    vectorStore === "memory" ? ":memory:" : (options.recordManagerPath ?? defaultRecordManagerPath(config.workspace));
  const recordManager = new SqliteRecordManager(recordManagerPath, collection);
  await recordManager.createSchema();

  return {
    store,
    recordManager,
    collection,
    embeddings,
    dimension,
    vectorStore,
    async close() {
      recordManager.close();
      cache?.close();
      if (store instanceof LocalVectorStore) await store.close();
    },
  };
}
