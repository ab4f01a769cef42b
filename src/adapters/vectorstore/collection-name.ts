/**
 * Returns the collection (table, Qdrant collection or Pinecone namespace)
 * that contains the vectors of one embedding model and dimension, so switching
 * embedders never mixes vectors of different spaces in one search.
 * The name keeps to `[a-z0-9_]`, which every backend accepts.
 */
export function collectionName(embeddingsModelId: string, dimension: number): string {
  if (!Number.isInteger(dimension) || dimension <= 0) {
    throw new RangeError(`invalid embedding dimension ${dimension} for ${embeddingsModelId}; expected a positive integer`);
  }
  const model = embeddingsModelId
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (model.length === 0) {
    throw new RangeError(`invalid embeddings model id ${JSON.stringify(embeddingsModelId)}; expected letters or digits`);
  }
  return `doc2video_chunks_${model}_${dimension}`;
}
