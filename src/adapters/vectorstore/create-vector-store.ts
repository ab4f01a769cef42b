/**
 * Vector store factory over `VECTOR_STORE`. Every backend is a LangChain
 * `VectorStore` that honours ids and `delete({ ids })`, which LangChain's
 * `index()` API needs to skip, replace and clean up chunks.
 */
import path from "node:path";
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { VectorStore } from "@langchain/core/vectorstores";
import { QdrantVectorStore } from "@langchain/qdrant";
import { PineconeStore } from "@langchain/pinecone";
import type { AppConfig, VectorStoreName } from "../../config.js";
import { ConfigError } from "../../errors.js";
import { workspacePaths } from "../../workspace.js";
import { LocalVectorStore } from "./local-vector-store.js";
import { InMemoryVectorStore } from "./memory-vector-store.js";

/** Inputs of `createVectorStore`. */
export interface VectorStoreOptions {
  config: AppConfig;
  embeddings: EmbeddingsInterface;
  /** Collection from `collectionName()`: a LanceDB table, Qdrant collection or Pinecone namespace. */
  collection: string;
  /** Vector length, from `resolveEmbeddingDimension()`; Qdrant needs it to create a collection. */
  dimension: number;
}

/** Returns the LanceDB folder of the local store under a workspace. */
export function localVectorStoreDirectory(workspaceRoot: string): string {
  return path.join(workspacePaths(workspaceRoot).vectorsDir, "lancedb");
}

/** Builds the vector store named by `name`; no network call is made until the store is used. */
export async function createVectorStore(name: VectorStoreName, options: VectorStoreOptions): Promise<VectorStore> {
  const { config, embeddings, collection, dimension } = options;
  switch (name) {
    case "local":
      return new LocalVectorStore(embeddings, {
        directory: localVectorStoreDirectory(config.workspace),
        tableName: collection,
      });
    case "memory":
      return new InMemoryVectorStore(embeddings);
    case "qdrant":
      return new QdrantVectorStore(embeddings, {
        url: config.vectorStore.qdrantUrl,
        apiKey: config.vectorStore.qdrantApiKey,
        collectionName: collection,
        // Giving the size up front spares the class a probe embedding when it creates the collection.
        collectionConfig: { vectors: { size: dimension, distance: "Cosine" } },
      });
    case "pinecone":
      return createPineconeStore(options);
    default:
      throw new ConfigError(
        `unknown vector store ${JSON.stringify(name satisfies never)}; expected local, memory, qdrant or pinecone`,
      );
  }
}

function createPineconeStore({ config, embeddings, collection }: VectorStoreOptions): VectorStore {
  const { pineconeApiKey, pineconeIndex, pineconeHost } = config.vectorStore;
  if (!pineconeApiKey) {
    throw new ConfigError("VECTOR_STORE=pinecone needs PINECONE_API_KEY; set it or choose VECTOR_STORE=local");
  }
  // Pinecone indexes are provisioned ahead of time with a fixed dimension,
  // so a collection maps to a namespace inside the configured index.
  // NOTE: without PINECONE_HOST the client looks the host up through Pinecone's control plane.
  return new PineconeStore(embeddings, {
    pineconeConfig: {
      indexName: pineconeIndex,
      config: { apiKey: pineconeApiKey },
      ...(pineconeHost ? { indexHostUrl: pineconeHost } : {}),
    },
    namespace: collection,
    maxRetries: 2,
  });
}
