import { describe, expect, it } from "vitest";
import { HashingEmbeddings, tokenize } from "../../../src/adapters/embeddings/hashing-embeddings.js";
import { cosineSimilarity } from "../../../src/adapters/vectorstore/cosine-similarity.js";

const embeddings = new HashingEmbeddings();

function norm(vector: number[]): number {
  return Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
}

describe("HashingEmbeddings", () => {
  it("returns vectors of the configured dimension", async () => {
    expect((await embeddings.embedQuery("a hound on the moor")).length).toBe(1024);
    expect((await new HashingEmbeddings({ dimension: 512 }).embedQuery("a hound")).length).toBe(512);
  });

  it("returns unit-length vectors", async () => {
    const [vector] = await embeddings.embedDocuments(["Sherlock Holmes examined the walking stick by the lamp."]);
    expect(norm(vector as number[])).toBeCloseTo(1, 10);
  });

  it("is deterministic across instances", async () => {
    const text = "The footprints of a gigantic hound!";
    expect(await new HashingEmbeddings().embedQuery(text)).toEqual(await embeddings.embedQuery(text));
  });

  it("scores related text above unrelated text", async () => {
    const [query, related, unrelated] = await embeddings.embedDocuments([
      "the curse of the hound that haunts the Baskerville family",
      "a legend says a spectral hound has haunted the Baskervilles for generations",
      "install the package with pip and pass the output template option",
    ]);
    expect(cosineSimilarity(query as number[], related as number[])).toBeGreaterThan(
      cosineSimilarity(query as number[], unrelated as number[]) + 0.1,
    );
  });

  it("matches inflected words through character n-grams", async () => {
    const [singular, plural, other] = await embeddings.embedDocuments(["whale", "whales", "lamp"]);
    expect(cosineSimilarity(singular as number[], plural as number[])).toBeGreaterThan(0.3);
    expect(cosineSimilarity(singular as number[], other as number[])).toBeLessThan(0.1);
  });

  it("embeds Chinese by characters", async () => {
    const [query, related, unrelated] = await embeddings.embedDocuments([
      "孫悟空大鬧天宮",
      "那猴王在天宮裡大鬧一場，眾神都拿他不住",
      "唐僧在寺院裡念經",
    ]);
    expect(cosineSimilarity(query as number[], related as number[])).toBeGreaterThan(
      cosineSimilarity(query as number[], unrelated as number[]),
    );
  });

  it("returns a zero vector for text without words", async () => {
    const vector = await embeddings.embedQuery("?!… —");
    expect(norm(vector)).toBe(0);
  });

  it("rejects a dimension below 16", () => {
    expect(() => new HashingEmbeddings({ dimension: 8 })).toThrow("invalid hashing embeddings dimension 8");
  });
});

describe("tokenize", () => {
  it("splits unspaced scripts into characters", () => {
    expect(tokenize("Hello 孫悟空 world")).toEqual(["hello", "孫", "悟", "空", "world"]);
  });

  it("folds case and full-width forms", () => {
    expect(tokenize("ＡＢＣ Déjà")).toEqual(["abc", "déjà"]);
  });
});
