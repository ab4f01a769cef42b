import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Document } from "@langchain/core/documents";
import { LocalVectorStore } from "../../../src/adapters/vectorstore/local-vector-store.js";
import { HashingEmbeddings } from "../../../src/adapters/embeddings/hashing-embeddings.js";
import { SqliteRecordManager } from "../../../src/indexing/sqlite-record-manager.js";
import type { IndexableChunk } from "../../../src/indexing/chunk-metadata.js";
import { describeChunkIndexContract } from "../../indexing/chunk-index-contract.js";
import { loadSmallDocument } from "../../indexing/fixtures/small-document.js";

const root = mkdtempSync(path.join(os.tmpdir(), "doc2video-local-store-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let opened = 0;
describeChunkIndexContract("local", async (embeddings) => {
  opened += 1;
  const directory = path.join(root, `store-${opened}`);
  const store = new LocalVectorStore(embeddings, { directory, tableName: "chunks_test_384" });
  const recordManager = new SqliteRecordManager(path.join(directory, "records.sqlite"), "chunks_test_384");
  await recordManager.createSchema();
  return {
    store,
    recordManager,
    collection: "chunks_test_384",
    embeddings,
    countVectors: () => store.count(),
    close: async () => {
      recordManager.close();
      await store.close();
    },
  };
});

describe("LocalVectorStore", () => {
  it("keeps vectors across a reopen", async () => {
    const directory = path.join(root, "reopen");
    const first = new LocalVectorStore(new HashingEmbeddings(), { directory, tableName: "t" });
    await first.addDocuments(
      [
        new Document({ pageContent: "the moor at night", metadata: { runId: "r1" } }),
        new Document({ pageContent: "a letter from London", metadata: { runId: "r1" } }),
      ],
      { ids: ["a", "b"] },
    );
    await first.close();

    const second = new LocalVectorStore(new HashingEmbeddings(), { directory, tableName: "t" });
    const results = await second.similaritySearchWithScore("a letter from London", 1);
    expect(results[0]?.[0].id).toBe("b");
    expect(results[0]?.[0].metadata).toEqual({ runId: "r1" });
    expect(results[0]?.[1]).toBeCloseTo(1, 5);
    await second.close();
  });

  it("returns nothing before the first write", async () => {
    const store = new LocalVectorStore(new HashingEmbeddings(), { directory: path.join(root, "empty"), tableName: "t" });
    expect(await store.similaritySearchWithScore("anything", 3)).toEqual([]);
    expect(await store.count()).toBe(0);
    await store.close();
  });

  it("scores unnormalised vectors by cosine", async () => {
    const store = new LocalVectorStore(new HashingEmbeddings(), { directory: path.join(root, "cosine"), tableName: "t" });
    await store.addVectors(
      [
        [3, 4, 0],
        [0, 0, 5],
      ],
      [new Document({ pageContent: "a", metadata: {} }), new Document({ pageContent: "b", metadata: {} })],
      { ids: ["a", "b"] },
    );
    const results = await store.similaritySearchVectorWithScore([2, 0, 0], 2);
    expect(results[0]?.[0].id).toBe("a");
    expect(results[0]?.[1]).toBeCloseTo(0.6, 6);
    expect(results[1]?.[1]).toBeCloseTo(0, 6);
    await store.close();
  });

  it("builds a vector index once large enough", async () => {
    const directory = path.join(root, "ann");
    const embeddings = new HashingEmbeddings({ dimension: 128 });
    // Whole-paragraph chunks of the full novel: enough rows for several IVF partitions of 256 rows.
    const document = loadSmallDocument(15, 100);
    expect(document.chunks.length).toBeGreaterThanOrEqual(4 * 256);
    const store = new LocalVectorStore(embeddings, { directory, tableName: "t", vectorIndexMinRows: document.chunks.length });
    const documents = document.chunks.map((chunk) => new Document({ pageContent: chunk.text, metadata: { chunkId: chunk.id } }));
    await store.addDocuments(documents, { ids: document.chunks.map((chunk) => chunk.id) });
    expect(await store.hasVectorIndex()).toBe(false);

    await store.compact();
    expect(await store.hasVectorIndex()).toBe(true);
    const target = document.chunks[517] as IndexableChunk;
    const [best] = await store.similaritySearchWithScore(target.text, 1);
    expect(best?.[0].id).toBe(target.id);
    expect(best?.[1]).toBeCloseTo(1, 5);
    await store.close();

    const reopened = new LocalVectorStore(embeddings, { directory, tableName: "t" });
    expect(await reopened.hasVectorIndex()).toBe(true);
    await reopened.close();
  });

  it("filters with a SQL predicate", async () => {
    const store = new LocalVectorStore(new HashingEmbeddings(), { directory: path.join(root, "filter"), tableName: "t" });
    await store.addDocuments(
      [
        new Document({ pageContent: "the hound on the moor", metadata: { runId: "r'1", chapterIndex: 0 } }),
        new Document({ pageContent: "the hound on the moor again", metadata: { runId: "r2", chapterIndex: 1 } }),
      ],
      { ids: ["a", "b"] },
    );
    const results = await store.similaritySearchWithScore("the hound on the moor", 5, "run_id = 'r''1'");
    expect(results.map(([document]) => document.id)).toEqual(["a"]);
    await store.close();
  });
});
