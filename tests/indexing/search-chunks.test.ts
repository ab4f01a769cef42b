import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { openChunkIndex, type ChunkIndex } from "../../src/indexing/open-chunk-index.js";
import { indexDocumentChunks } from "../../src/indexing/index-document-chunks.js";
import { searchChunks, MAX_SEARCH_K } from "../../src/indexing/search-chunks.js";
import { InvalidSearchError, RunNotIndexedError } from "../../src/indexing/indexing-errors.js";
import { loadSmallDocument, sentenceFromChapter } from "./fixtures/small-document.js";

const workspace = mkdtempSync(path.join(os.tmpdir(), "doc2video-search-"));
const document = loadSmallDocument(3);
let chunkIndex: ChunkIndex;

beforeAll(async () => {
  chunkIndex = await openChunkIndex({ config: loadConfig({ workspace }, {}) });
  await indexDocumentChunks({ runId: "run-1", documentId: "doc-1", chunks: document.chunks, ...chunkIndex });
});

afterAll(async () => {
  await chunkIndex.close();
  rmSync(workspace, { recursive: true, force: true });
});

const search = (query: string, k: number, runId?: string) =>
  searchChunks({ store: chunkIndex.store, collection: chunkIndex.collection, query, k, runId });

describe("searchChunks", () => {
  it("rejects an empty query", async () => {
    await expect(search("   ", 5)).rejects.toThrow(InvalidSearchError);
    await expect(search("", 5)).rejects.toThrow("search query is empty; pass the words or sentence to look for");
  });

  it("rejects k of 0", async () => {
    await expect(search("moor", 0)).rejects.toThrow(`invalid result count k=0; expected a whole number from 1 to ${MAX_SEARCH_K}`);
  });

  it("rejects k of 10,000", async () => {
    await expect(search("moor", 10_000)).rejects.toThrow(InvalidSearchError);
  });

  it("rejects a fractional k", async () => {
    await expect(search("moor", 2.5)).rejects.toThrow(/k=2.5/);
  });

  it("reports a run that was never indexed", async () => {
    const error = await search("moor", 5, "no-such-run").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RunNotIndexedError);
    expect((error as Error).message).toBe(
      `run "no-such-run" has no indexed chunks in collection ${chunkIndex.collection}; ` +
        "check the run id, or index the run with the same EMBEDDINGS_PROVIDER and VECTOR_STORE first",
    );
  });

  it("returns at most the chunks there are", async () => {
    const hits = await search("moor", MAX_SEARCH_K, "run-1");
    expect(hits).toHaveLength(Math.min(MAX_SEARCH_K, document.chunks.length));
  });
});

describe("openChunkIndex", () => {
  it("finds chunks after a restart", async () => {
    const reopened = await openChunkIndex({ config: loadConfig({ workspace }, {}) });
    const query = sentenceFromChapter(document, 2);
    const hits = await searchChunks({ store: reopened.store, collection: reopened.collection, query, k: 1, runId: "run-1" });
    expect(hits[0]?.chapterIndex).toBe(2);

    const again = await indexDocumentChunks({ runId: "run-1", documentId: "doc-1", chunks: document.chunks, ...reopened });
    expect(again.numSkipped).toBe(document.chunks.length);
    await reopened.close();
  });

  it("names the collection by model and dimension", () => {
    expect(chunkIndex.collection).toBe("doc2video_chunks_hashing_v1_1024");
  });
});
