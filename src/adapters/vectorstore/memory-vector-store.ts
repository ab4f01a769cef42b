/**
 * In-process vector store for tests. Unlike LangChain's `MemoryVectorStore`
 * it keys every vector by id, so adding an existing id replaces it and
 * `delete({ ids })` removes it, which LangChain's `index()` API relies on.
 */
import { VectorStore } from "@langchain/core/vectorstores";
import { Document, type DocumentInterface } from "@langchain/core/documents";
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { cosineSimilarity } from "./cosine-similarity.js";
import { idsForVectors } from "./vector-ids.js";

interface StoredVector {
  id: string;
  vector: number[];
  pageContent: string;
  metadata: Record<string, unknown>;
}

/** A metadata predicate, the filter type of `InMemoryVectorStore`. */
export type InMemoryFilter = (document: DocumentInterface) => boolean;

/** In-memory vector store that honours ids; contents last as long as the instance. */
export class InMemoryVectorStore extends VectorStore {
  declare FilterType: InMemoryFilter;

  private readonly vectors = new Map<string, StoredVector>();

  constructor(embeddings: EmbeddingsInterface) {
    super(embeddings, {});
  }

  _vectorstoreType(): string {
    return "memory";
  }

  /** Number of stored vectors. */
  get size(): number {
    return this.vectors.size;
  }

  /** Embeds and stores documents, replacing any stored under the same ids. */
  async addDocuments(documents: DocumentInterface[], options?: { ids?: string[] }): Promise<string[]> {
    const vectors = await this.embeddings.embedDocuments(documents.map((document) => document.pageContent));
    return this.addVectors(vectors, documents, options);
  }

  /** Stores precomputed vectors, replacing any stored under the same ids. */
  async addVectors(vectors: number[][], documents: DocumentInterface[], options?: { ids?: string[] }): Promise<string[]> {
    const ids = idsForVectors(vectors, documents, options);
    documents.forEach((document, i) => {
      const id = ids[i] as string;
      this.vectors.set(id, {
        id,
        vector: vectors[i] as number[],
        pageContent: document.pageContent,
        metadata: { ...document.metadata },
      });
    });
    return ids;
  }

  /** Deletes vectors by id; ids that are not stored are ignored. */
  override async delete(params: { ids?: string[] } = {}): Promise<void> {
    if (!params.ids) throw new TypeError("InMemoryVectorStore.delete needs { ids }");
    for (const id of params.ids) this.vectors.delete(id);
  }

  /** Returns the `k` stored documents nearest to `query` by cosine similarity, best first. */
  async similaritySearchVectorWithScore(
    query: number[],
    k: number,
    filter?: InMemoryFilter,
  ): Promise<[DocumentInterface, number][]> {
    const scored: [DocumentInterface, number][] = [];
    for (const stored of this.vectors.values()) {
      const document = new Document({ id: stored.id, pageContent: stored.pageContent, metadata: { ...stored.metadata } });
      if (filter && !filter(document)) continue;
      scored.push([document, cosineSimilarity(query, stored.vector)]);
    }
    scored.sort((a, b) => b[1] - a[1]);
    return scored.slice(0, k);
  }
}
