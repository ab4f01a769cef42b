/**
 * Offline, deterministic embeddings by feature hashing. Each text becomes a
 * bag of features (word unigrams, word bigrams and character n-grams inside
 * words) hashed into a fixed number of signed buckets, damped and
 * L2-normalised, so cosine similarity measures shared vocabulary. Chinese,
 * Japanese and other unspaced scripts are tokenised one character at a time,
 * which makes the word bigrams character bigrams there.
 */
import { Embeddings, type EmbeddingsParams } from "@langchain/core/embeddings";

/** Options of `HashingEmbeddings`. */
export interface HashingEmbeddingsOptions extends EmbeddingsParams {
  /**
   * Number of buckets, which is the vector length; 1024 by default. Fewer
   * buckets mean more hash collisions: `pnpm bench vector-index` measures
   * recall@5 at 384, 768 and 1024 and reports the cost in query time.
   */
  dimension?: number;
}

const DEFAULT_DIMENSION = 1024;

// Feature weights. Word features carry most of the signal; character n-grams
// add tolerance for inflection ("whale" and "whales") at a lower weight.
const UNIGRAM_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.6;
const NGRAM_WEIGHT = 0.25;
const STOPWORD_WEIGHT = 0.1;
const NGRAM_SIZES = [3, 4, 5] as const;

// Distinct seeds keep a word, a bigram and an n-gram with equal text in separate buckets.
const UNIGRAM_SEED = 0x811c9dc5;
const BIGRAM_SEED = 0x01000193;
const NGRAM_SEED = 0x9e3779b1;

// Without corpus statistics there is no IDF, so the most frequent function
// words get a small fixed weight instead of dominating every vector.
const STOPWORDS = new Set(
  (
    "a an and are as at be been but by for from had has have he her him his i if in into is it its me my " +
    "no not of on or our she so than that the their them then there these they this those to up us was we " +
    "were what when which who will with would you your all any can could did do does just more most other " +
    "out over said some such only own same very 的 了 是 在 也 和 就 不 有 我 你 他 之 也 這 那 个 個 一"
  ).split(" "),
);

const WORD_PATTERN = /[\p{L}\p{N}\p{M}]+/gu;
// Scripts written without spaces between words: Han, kana, and CJK compatibility ideographs.
const UNSPACED_CHAR = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[\ud840-\ud87f][\udc00-\udfff]/u;
const UNSPACED_SPLIT = /([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[\ud840-\ud87f][\udc00-\udfff])/u;

/** Embeds text offline by hashing words, word bigrams and character n-grams into signed buckets. */
export class HashingEmbeddings extends Embeddings {
  /** Vector length. */
  readonly dimension: number;
  /** Identifier of the feature scheme; `collectionName()` adds the dimension. */
  readonly modelId: string;

  constructor(options: HashingEmbeddingsOptions = {}) {
    super(options);
    const dimension = options.dimension ?? DEFAULT_DIMENSION;
    if (!Number.isInteger(dimension) || dimension < 16) {
      throw new RangeError(`invalid hashing embeddings dimension ${dimension}; expected an integer of at least 16`);
    }
    this.dimension = dimension;
    this.modelId = "hashing-v1";
  }

  /** Embeds each text; the result is identical for identical input on every run and machine. */
  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((text) => this.embedText(text));
  }

  /** Embeds one query the same way as a document, so scores are symmetric. */
  async embedQuery(text: string): Promise<number[]> {
    return this.embedText(text);
  }

  /** Embeds one text synchronously; exposed for benchmarks that measure the embedder alone. */
  embedText(text: string): number[] {
    const buckets = new Float64Array(this.dimension);
    let previousWordHash: number | undefined;

    for (const token of tokenize(text)) {
      const stopword = STOPWORDS.has(token);
      const wordHash = hashString(token, UNIGRAM_SEED);
      this.addFeature(buckets, wordHash, stopword ? STOPWORD_WEIGHT : UNIGRAM_WEIGHT);

      if (previousWordHash !== undefined) {
        const bigramHash = mix(Math.imul(previousWordHash, 31) ^ wordHash, BIGRAM_SEED);
        this.addFeature(buckets, bigramHash, stopword ? STOPWORD_WEIGHT : BIGRAM_WEIGHT);
      }
      previousWordHash = wordHash;

      if (!stopword && token.length > 2 && !UNSPACED_CHAR.test(token)) {
        this.addCharacterNgrams(buckets, token);
      }
    }

    return normalise(buckets);
  }

  private addCharacterNgrams(buckets: Float64Array, word: string): void {
    // Boundary markers let prefixes and suffixes differ from inner n-grams.
    const padded = `<${word}>`;
    for (const size of NGRAM_SIZES) {
      for (let start = 0; start + size <= padded.length; start += 1) {
        let hash = NGRAM_SEED ^ size;
        for (let i = start; i < start + size; i += 1) {
          hash = Math.imul(hash ^ padded.charCodeAt(i), 0x01000193);
        }
        this.addFeature(buckets, mix(hash, NGRAM_SEED), NGRAM_WEIGHT);
      }
    }
  }

  private addFeature(buckets: Float64Array, hash: number, weight: number): void {
    // The top bit picks a sign, so collisions cancel out on average instead of piling up.
    const bucket = (hash >>> 1) % this.dimension;
    buckets[bucket] = (buckets[bucket] ?? 0) + (hash & 0x80000000 ? -weight : weight);
  }
}

/** Splits text into lower-cased words, with each character of an unspaced script as its own word. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.normalize("NFKC").toLowerCase().matchAll(WORD_PATTERN)) {
    const word = match[0];
    if (!UNSPACED_CHAR.test(word)) {
      tokens.push(word);
      continue;
    }
    for (const part of word.split(UNSPACED_SPLIT)) {
      if (part.length > 0) tokens.push(part);
    }
  }
  return tokens;
}

function hashString(value: string, seed: number): number {
  let hash = seed;
  for (let i = 0; i < value.length; i += 1) {
    hash = Math.imul(hash ^ value.charCodeAt(i), 0x01000193);
  }
  return mix(hash, seed);
}

// Final avalanche step (from MurmurHash3's fmix32) so nearby inputs spread over all buckets.
function mix(value: number, seed: number): number {
  let hash = (value ^ seed) >>> 0;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

function normalise(buckets: Float64Array): number[] {
  // log1p damping approximates sublinear term frequency: a word repeated
  // ten times should not outweigh ten different shared words.
  let sumOfSquares = 0;
  for (let i = 0; i < buckets.length; i += 1) {
    const value = buckets[i] ?? 0;
    const damped = Math.sign(value) * Math.log1p(Math.abs(value));
    buckets[i] = damped;
    sumOfSquares += damped * damped;
  }
  const norm = Math.sqrt(sumOfSquares);
  const vector = new Array<number>(buckets.length);
  for (let i = 0; i < buckets.length; i += 1) {
    vector[i] = norm > 0 ? (buckets[i] ?? 0) / norm : 0;
  }
  return vector;
}
