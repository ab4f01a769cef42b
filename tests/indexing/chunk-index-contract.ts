/**
 * The contract every vector store backend must meet for chunk indexing and
 * search; each backend's test file runs it against a real or fake server.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { VectorStore } from "@langchain/core/vectorstores";
import { Document } from "@langchain/core/documents";
import { indexDocumentChunks } from "../../src/indexing/index-document-chunks.js";
import { searchChunks } from "../../src/indexing/search-chunks.js";
import { relatedChunksForChapter } from "../../src/indexing/related-chunks.js";
import type { SqliteRecordManager } from "../../src/indexing/sqlite-record-manager.js";
import type { IndexableChunk } from "../../src/indexing/chunk-metadata.js";
import { CountingEmbeddings } from "./fixtures/counting-embeddings.js";
import { fromText, loadSmallDocument, sentenceFromChapter, type FixtureDocument } from "./fixtures/small-document.js";

/** A backend opened for one test. */
export interface ContractBackend {
  store: VectorStore;
  recordManager: SqliteRecordManager;
  collection: string;
  embeddings: CountingEmbeddings;
  /** Number of vectors in the collection, read from the backend itself. */
  countVectors(): Promise<number>;
  close(): Promise<void>;
}

/** Opens a fresh, empty backend whose store embeds with `embeddings`. */
export type OpenContractBackend = (embeddings: CountingEmbeddings) => Promise<ContractBackend>;

const RUN = "run-a";
const DOCUMENT = "doc-hound";

/** Registers the chunk index contract tests for one backend. */
export function describeChunkIndexContract(name: string, open: OpenContractBackend): void {
  describe(`${name} chunk index contract`, () => {
    const document: FixtureDocument = loadSmallDocument(3);
    let backend: ContractBackend;

    beforeEach(async () => {
      backend = await open(new CountingEmbeddings());
    });

    afterEach(async () => {
      await backend.close();
    });

    const indexChunks = (chunks: readonly IndexableChunk[], runId = RUN, documentId = DOCUMENT) =>
      indexDocumentChunks({
        runId,
        documentId,
        chunks,
        store: backend.store,
        recordManager: backend.recordManager,
        collection: backend.collection,
      });

    it("indexes every chunk once", async () => {
      const result = await indexChunks(document.chunks);
      expect(result.numAdded).toBe(document.chunks.length);
      expect(await backend.countVectors()).toBe(document.chunks.length);
    });

    it("ranks a chapter's own sentence first", async () => {
      await indexChunks(document.chunks);
      for (const chapter of document.chapters) {
        const query = sentenceFromChapter(document, chapter.index);
        const hits = await searchChunks({ store: backend.store, collection: backend.collection, query, k: 3, runId: RUN });
        expect(hits[0]?.chapterIndex, `query from chapter ${chapter.index}: ${query}`).toBe(chapter.index);
      }
    });

    it("returns hits with metadata and descending scores", async () => {
      await indexChunks(document.chunks);
      const chunk = document.chunks[5] as IndexableChunk;
      const hits = await searchChunks({ store: backend.store, collection: backend.collection, query: chunk.text, k: 5 });
      expect(hits).toHaveLength(5);
      expect(hits[0]?.id).toBe(chunk.id);
      expect(hits[0]?.score).toBeGreaterThan(0.99);
      expect(hits[0]).toMatchObject({
        runId: RUN,
        documentId: DOCUMENT,
        chapterIndex: chunk.chapterIndex,
        chapterTitle: chunk.chapterTitle,
        chunkIndex: chunk.chunkIndex,
        start: chunk.start,
        end: chunk.end,
        text: chunk.text,
      });
      const scores = hits.map((hit) => hit.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(hits[4]?.score).toBeLessThan(hits[0]?.score ?? 0);
    });

    it("skips every chunk when indexed twice", async () => {
      await indexChunks(document.chunks);
      const embeddedBefore = backend.embeddings.embeddedTexts.length;
      const second = await indexChunks(document.chunks);
      expect(second.numSkipped).toBe(document.chunks.length);
      expect(second.numAdded).toBe(0);
      expect(second.numDeleted).toBe(0);
      expect(backend.embeddings.embeddedTexts.length).toBe(embeddedBefore);
      expect(await backend.countVectors()).toBe(document.chunks.length);
    });

    it("re-embeds only the edited chapter", async () => {
      await indexChunks(document.chunks);
      const edited = editLastChapter(document);
      const lastChapter = edited.chapters.length - 1;
      const oldChapterChunks = document.chunks.filter((chunk) => chunk.chapterIndex === lastChapter);
      const newChapterChunks = edited.chunks.filter((chunk) => chunk.chapterIndex === lastChapter);
      const sameChunk = (a: IndexableChunk, b: IndexableChunk) => a.text === b.text && a.start === b.start;
      const changedChunks = newChapterChunks.filter((chunk) => !oldChapterChunks.some((old) => sameChunk(old, chunk)));
      const replacedChunks = oldChapterChunks.filter((old) => !newChapterChunks.some((chunk) => sameChunk(old, chunk)));
      backend.embeddings.embeddedTexts = [];
      expect(changedChunks.length).toBeGreaterThan(0);
      expect(changedChunks.length).toBeLessThan(edited.chunks.length);

      const result = await indexChunks(edited.chunks);

      expect(result.numSkipped).toBe(edited.chunks.length - changedChunks.length);
      expect(result.numAdded).toBe(changedChunks.length);
      expect(result.numDeleted).toBe(replacedChunks.length);
      expect(backend.embeddings.embeddedTexts).toEqual(changedChunks.map((chunk) => chunk.text));
      expect(await backend.countVectors()).toBe(edited.chunks.length);
    });

    it("removes deleted text from search", async () => {
      await indexChunks(document.chunks);
      const removedChunk = document.chunks.find((chunk) => chunk.chapterIndex === 1) as IndexableChunk;
      const remaining = document.chunks.filter((chunk) => chunk !== removedChunk);

      const result = await indexChunks(remaining);

      expect(result.numDeleted).toBe(1);
      const hits = await searchChunks({ store: backend.store, collection: backend.collection, query: removedChunk.text, k: 3 });
      expect(hits.map((hit) => hit.id)).not.toContain(removedChunk.id);
      expect(await backend.countVectors()).toBe(remaining.length);
    });

    it("removes a chapter that disappeared", async () => {
      await indexChunks(document.chunks);
      const withoutLast = document.chunks.filter((chunk) => chunk.chapterIndex < 2);

      const result = await indexChunks(withoutLast);

      expect(result.numDeleted).toBe(document.chunks.length - withoutLast.length);
      expect(await backend.countVectors()).toBe(withoutLast.length);
    });

    it("keeps runs apart", async () => {
      await indexChunks(document.chunks, "run-a");
      const other = fromText(document.text.slice(document.chapters[0]?.start, document.chapters[0]?.end));
      await indexChunks(other.chunks, "run-b");

      const chunk = document.chunks[document.chunks.length - 1] as IndexableChunk;
      const hitsA = await searchChunks({ store: backend.store, collection: backend.collection, query: chunk.text, k: 3, runId: "run-a" });
      const hitsB = await searchChunks({ store: backend.store, collection: backend.collection, query: chunk.text, k: 3, runId: "run-b" });
      expect(hitsA.every((hit) => hit.runId === "run-a")).toBe(true);
      expect(hitsB.every((hit) => hit.runId === "run-b")).toBe(true);
      expect(hitsB[0]?.chapterIndex).toBe(0);
      expect(await backend.countVectors()).toBe(document.chunks.length + other.chunks.length);
    });

    it("retrieves related chunks from other chapters", async () => {
      await indexChunks(document.chunks);
      const chapter = document.chapters[1];
      const related = await relatedChunksForChapter({
        store: backend.store,
        collection: backend.collection,
        runId: RUN,
        documentId: DOCUMENT,
        chapterIndex: 1,
        chapterText: document.text.slice(chapter?.start, chapter?.end),
        k: 4,
      });
      expect(related).toHaveLength(4);
      expect(related.every((hit) => hit.chapterIndex !== 1)).toBe(true);
    });

    it("replaces a vector added under an existing id", async () => {
      const ids = ["0b1f9a8e-4c3d-5e2f-8a7b-6c5d4e3f2a10"];
      await backend.store.addDocuments([new Document({ pageContent: "the first version", metadata: { note: "one" } })], { ids });
      await backend.store.addDocuments([new Document({ pageContent: "the second version", metadata: { note: "two" } })], { ids });
      const results = await backend.store.similaritySearchWithScore("the second version", 5);
      expect(results).toHaveLength(1);
      expect(results[0]?.[0].pageContent).toBe("the second version");
      await backend.store.delete({ ids });
      expect(await backend.countVectors()).toBe(0);
    });
  });
}

/** Returns the document with a paragraph of its last chapter rewritten; earlier offsets stay put. */
function editLastChapter(document: FixtureDocument): FixtureDocument {
  const last = document.chapters[document.chapters.length - 1];
  if (!last) throw new RangeError("fixture has no chapters");
  const body = document.text.slice(last.start, last.end);
  const paragraphs = body.split("\n");
  let middle = Math.floor(paragraphs.length / 2);
  while ((paragraphs[middle] ?? "").trim().length === 0) middle += 1;
  paragraphs[middle] =
    "The butler swore that the lamp in the west window had burned all night, and nobody in the hall believed him.";
  return fromText(document.text.slice(0, last.start) + paragraphs.join("\n"));
}
