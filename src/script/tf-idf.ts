/**
 * TF-IDF vectors over the sentences of one chapter. Each sentence is a
 * document, so a term that appears in every sentence weighs little and a
 * term shared by a few sentences ties them together.
 */

/** A sparse vector: term to weight. Vectors from `TfIdfModel.vector` have unit length. */
export type TermVector = Map<string, number>;

/** Document frequencies of a chapter's sentences, used to weigh terms of any text. */
export class TfIdfModel {
  private readonly documentFrequency = new Map<string, number>();
  private readonly documentCount: number;

  constructor(documents: readonly (readonly string[])[]) {
    this.documentCount = documents.length;
    for (const terms of documents) {
      for (const term of new Set(terms)) {
        this.documentFrequency.set(term, (this.documentFrequency.get(term) ?? 0) + 1);
      }
    }
  }

  /** Number of documents (sentences) that contain `term`. */
  frequency(term: string): number {
    return this.documentFrequency.get(term) ?? 0;
  }

  /** Smoothed inverse document frequency; a term never seen gets the highest weight. */
  idf(term: string): number {
    const frequency = this.documentFrequency.get(term) ?? 0;
    return Math.log((1 + this.documentCount) / (1 + frequency)) + 1;
  }

  /** Builds the unit-length vector of `terms`, with sublinear term frequency (1 + ln tf). */
  vector(terms: readonly string[]): TermVector {
    const counts = new Map<string, number>();
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    const vector: TermVector = new Map();
    for (const [term, count] of counts) vector.set(term, (1 + Math.log(count)) * this.idf(term));
    return normalise(vector);
  }
}

/** Scales `vector` in place to unit length; an empty or zero vector stays as it is. */
export function normalise(vector: TermVector): TermVector {
  let squares = 0;
  for (const weight of vector.values()) squares += weight * weight;
  if (squares === 0) return vector;
  const length = Math.sqrt(squares);
  for (const [term, weight] of vector) vector.set(term, weight / length);
  return vector;
}

/** Adds vectors and normalises the sum: the centroid direction of a group of sentences. */
export function centroid(vectors: Iterable<TermVector>): TermVector {
  const sum: TermVector = new Map();
  for (const vector of vectors) {
    for (const [term, weight] of vector) sum.set(term, (sum.get(term) ?? 0) + weight);
  }
  return normalise(sum);
}

/** Cosine similarity of two unit-length vectors. */
export function cosine(left: TermVector, right: TermVector): number {
  const [small, large] = left.size <= right.size ? [left, right] : [right, left];
  let dot = 0;
  for (const [term, weight] of small) {
    const other = large.get(term);
    if (other !== undefined) dot += weight * other;
  }
  return dot;
}
