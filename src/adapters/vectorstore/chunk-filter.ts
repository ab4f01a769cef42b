/**
 * A filter on chunk metadata that every vector store backend understands,
 * translated into each backend's own filter language at the call site.
 */
import type { VectorStore } from "@langchain/core/vectorstores";
import type { DocumentInterface } from "@langchain/core/documents";
import { sqlString } from "./local-vector-store.js";

/** Restricts a chunk search; every field that is set must match. */
export interface ChunkFilter {
  runId?: string;
  documentId?: string;
  /** Leaves out chunks of this chapter, for example the chapter being written. */
  excludeChapterIndex?: number;
}

/** Translates `filter` into the filter type of `store`, or `undefined` when nothing is filtered. */
export function toStoreFilter(store: VectorStore, filter: ChunkFilter): VectorStore["FilterType"] | undefined {
  if (filter.runId === undefined && filter.documentId === undefined && filter.excludeChapterIndex === undefined) {
    return undefined;
  }
  const type = store._vectorstoreType();
  switch (type) {
    case "lancedb-local":
      return toSqlFilter(filter);
    case "memory":
      return toPredicate(filter) as unknown as VectorStore["FilterType"];
    case "qdrant":
      return toQdrantFilter(filter);
    case "pinecone":
      return toPineconeFilter(filter);
    default:
      throw new TypeError(`cannot filter chunks in a ${type} vector store; expected local, memory, qdrant or pinecone`);
  }
}

function toSqlFilter(filter: ChunkFilter): string {
  const clauses: string[] = [];
  if (filter.runId !== undefined) clauses.push(`run_id = ${sqlString(filter.runId)}`);
  if (filter.documentId !== undefined) clauses.push(`document_id = ${sqlString(filter.documentId)}`);
  if (filter.excludeChapterIndex !== undefined) clauses.push(`chapter_index <> ${Number(filter.excludeChapterIndex)}`);
  return clauses.join(" AND ");
}

function toPredicate(filter: ChunkFilter): (document: DocumentInterface) => boolean {
  return (document) => {
    const metadata = document.metadata as Record<string, unknown>;
    if (filter.runId !== undefined && metadata.runId !== filter.runId) return false;
    if (filter.documentId !== undefined && metadata.documentId !== filter.documentId) return false;
    if (filter.excludeChapterIndex !== undefined && metadata.chapterIndex === filter.excludeChapterIndex) return false;
    return true;
  };
}

function toQdrantFilter(filter: ChunkFilter): object {
  // @langchain/qdrant stores metadata under the "metadata" payload key.
  const must: object[] = [];
  const mustNot: object[] = [];
  if (filter.runId !== undefined) must.push({ key: "metadata.runId", match: { value: filter.runId } });
  if (filter.documentId !== undefined) must.push({ key: "metadata.documentId", match: { value: filter.documentId } });
  if (filter.excludeChapterIndex !== undefined) {
    mustNot.push({ key: "metadata.chapterIndex", match: { value: filter.excludeChapterIndex } });
  }
  return { ...(must.length > 0 ? { must } : {}), ...(mustNot.length > 0 ? { must_not: mustNot } : {}) };
}

function toPineconeFilter(filter: ChunkFilter): object {
  const clauses: Record<string, object> = {};
  if (filter.runId !== undefined) clauses.runId = { $eq: filter.runId };
  if (filter.documentId !== undefined) clauses.documentId = { $eq: filter.documentId };
  if (filter.excludeChapterIndex !== undefined) clauses.chapterIndex = { $ne: filter.excludeChapterIndex };
  return clauses;
}
