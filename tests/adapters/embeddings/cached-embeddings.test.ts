import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CachedEmbeddings } from "../../../src/adapters/embeddings/cached-embeddings.js";
import { CountingEmbeddings } from "../../indexing/fixtures/counting-embeddings.js";

const root = mkdtempSync(path.join(os.tmpdir(), "doc2video-embeddings-cache-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("CachedEmbeddings", () => {
  it("embeds each text once", async () => {
    const inner = new CountingEmbeddings();
    const cached = new CachedEmbeddings(inner, "model-a", path.join(root, "once.sqlite"));
    const first = await cached.embedDocuments(["the moor", "the hall"]);
    const second = await cached.embedDocuments(["the hall", "the moor", "the lamp"]);
    expect(inner.embeddedTexts).toEqual(["the moor", "the hall", "the lamp"]);
    expect(second[0]).toEqual(first[1]);
    expect(second[1]).toEqual(first[0]);
    cached.close();
  });

  it("returns the provider's vectors exactly", async () => {
    const inner = new CountingEmbeddings();
    const cached = new CachedEmbeddings(inner, "model-a", path.join(root, "exact.sqlite"));
    await cached.embedDocuments(["a letter from London"]);
    const [fromCache] = await cached.embedDocuments(["a letter from London"]);
    expect(fromCache).toEqual(await inner.embedQuery("a letter from London"));
    cached.close();
  });

  it("embeds duplicates in one call once", async () => {
    const inner = new CountingEmbeddings();
    const cached = new CachedEmbeddings(inner, "model-a", ":memory:");
    const vectors = await cached.embedDocuments(["same", "same"]);
    expect(inner.embeddedTexts).toEqual(["same"]);
    expect(vectors[0]).toEqual(vectors[1]);
    cached.close();
  });

  it("keeps vectors across a reopen", async () => {
    const file = path.join(root, "reopen.sqlite");
    const first = new CachedEmbeddings(new CountingEmbeddings(), "model-a", file);
    await first.embedDocuments(["the hound"]);
    first.close();
    const inner = new CountingEmbeddings();
    const second = new CachedEmbeddings(inner, "model-a", file);
    await second.embedDocuments(["the hound"]);
    expect(inner.embeddedTexts).toEqual([]);
    second.close();
  });

  it("separates models in one file", async () => {
    const file = path.join(root, "models.sqlite");
    const first = new CachedEmbeddings(new CountingEmbeddings(), "model-a", file);
    await first.embedDocuments(["the hound"]);
    first.close();
    const inner = new CountingEmbeddings();
    const second = new CachedEmbeddings(inner, "model-b", file);
    await second.embedDocuments(["the hound"]);
    expect(inner.embeddedTexts).toEqual(["the hound"]);
    second.close();
  });
});
