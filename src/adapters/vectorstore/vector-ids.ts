/** Id assignment shared by the vector stores that keep ids themselves (local and memory). */
import { randomUUID } from "node:crypto";
import type { DocumentInterface } from "@langchain/core/documents";

/**
 * Checks that there is one vector per document and returns each document's
 * id: the caller's `ids`, else the document's own id, else a new UUID.
 */
export function idsForVectors(vectors: number[][], documents: DocumentInterface[], options?: { ids?: string[] }): string[] {
  if (vectors.length !== documents.length) {
    throw new RangeError(`got ${vectors.length} vectors for ${documents.length} documents; pass one vector per document`);
  }
  return documents.map((document, i) => options?.ids?.[i] ?? document.id ?? randomUUID());
}
