import { createHash } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { findChapters } from "../../src/document/find-chapters.js";
import { readDocument } from "../../src/document/read-document.js";
import { splitChunks, type DocumentChunk } from "../../src/document/split-chunks.js";
import type { ChapterPlan } from "../../src/state.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const corpus = path.resolve(repoRoot, "../shared/corpus");

function chapter(index: number, start: number, end: number): ChapterPlan {
  return { index, title: `Chapter ${index + 1}`, start, end, source: "heading" };
}

describe("splitChunks on Hound of the Baskervilles", () => {
  let text: string;
  let chapters: ChapterPlan[];
  let chunks: DocumentChunk[];

  beforeAll(async () => {
    const doc = await readDocument(path.join(corpus, "hound-of-the-baskervilles.md"));
    text = doc.text;
    chapters = findChapters(text, doc.format);
    chunks = await splitChunks(text, chapters, { chunkSize: 1200, chunkOverlap: 150 });
  });

  it("matches every chunk to its offsets", () => {
    const mismatched = chunks.filter((chunk) => text.slice(chunk.start, chunk.end) !== chunk.text);
    expect(mismatched).toEqual([]);
  });

  it("keeps chunks within chunkSize", () => {
    expect(Math.max(...chunks.map((chunk) => chunk.text.length))).toBeLessThanOrEqual(1200);
  });

  it("keeps chunks inside their chapter", () => {
    for (const chunk of chunks) {
      const owner = chapters[chunk.chapterIndex]!;
      expect(chunk.start).toBeGreaterThanOrEqual(owner.start);
      expect(chunk.end).toBeLessThanOrEqual(owner.end);
    }
  });

  it("covers every chapter", () => {
    expect(new Set(chunks.map((chunk) => chunk.chapterIndex)).size).toBe(chapters.length);
  });

  it("numbers chunks per chapter in order", () => {
    const chapter2Chunks = chunks.filter((chunk) => chunk.chapterIndex === 1);
    expect(chapter2Chunks.map((chunk) => chunk.chunkIndex)).toEqual(chapter2Chunks.map((_, i) => i));
    expect(chapter2Chunks[0]?.chapterTitle).toBe("Chapter 2. The Curse of the Baskervilles");
  });

  it("builds ids from chapter, chunk and hash", () => {
    const chunk = chunks[3]!;
    const hash = createHash("sha256").update(chunk.text).digest("hex").slice(0, 16);
    expect(chunk.id).toBe(`${chunk.chapterIndex}:${chunk.chunkIndex}:${hash}`);
  });

  it("returns the same ids on a second run", async () => {
    const again = await splitChunks(text, chapters, { chunkSize: 1200, chunkOverlap: 150 });
    expect(again.map((chunk) => chunk.id)).toEqual(chunks.map((chunk) => chunk.id));
  });
});

describe("splitChunks on Journey to the West", () => {
  it("matches offsets in Chinese text", async () => {
    const doc = await readDocument(path.join(corpus, "journey-to-the-west-zh.txt"));
    const chapters = findChapters(doc.text, doc.format).slice(0, 10);
    const chunks = await splitChunks(doc.text, chapters, { chunkSize: 500, chunkOverlap: 50 });
    const mismatched = chunks.filter((chunk) => doc.text.slice(chunk.start, chunk.end) !== chunk.text);
    expect(chunks.length).toBeGreaterThan(100);
    expect(mismatched).toEqual([]);
  });
});

describe("splitChunks on small text", () => {
  it("locates repeated passages at their own position", async () => {
    const paragraph = "The same sentence again and again.";
    const text = Array.from({ length: 12 }, () => paragraph).join("\n\n");
    const chunks = await splitChunks(text, [chapter(0, 0, text.length)], { chunkSize: 80, chunkOverlap: 0 });
    const starts = chunks.map((chunk) => chunk.start);
    expect(new Set(starts).size).toBe(chunks.length);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(chunks.every((chunk) => text.slice(chunk.start, chunk.end) === chunk.text)).toBe(true);
  });

  it("offsets chunks of a later chapter", async () => {
    const text = "Intro that belongs to no chapter.\n\nBody of the only chapter.";
    const start = text.indexOf("Body");
    const [chunk] = await splitChunks(text, [chapter(0, start, text.length)], { chunkSize: 100, chunkOverlap: 10 });
    expect(chunk?.start).toBe(start);
    expect(chunk?.text).toBe("Body of the only chapter.");
  });

  it("overlaps neighbouring chunks", async () => {
    const text = Array.from({ length: 200 }, (_, i) => `word${i}`).join(" ");
    const chunks = await splitChunks(text, [chapter(0, 0, text.length)], { chunkSize: 100, chunkOverlap: 30 });
    const overlapping = chunks.slice(1).filter((chunk, i) => chunk.start < chunks[i]!.end);
    expect(overlapping).toHaveLength(chunks.length - 1);
  });

  it("splits Chinese text without line breaks at sentence ends", async () => {
    const text = "天地初開，萬物始生。".repeat(60);
    const chunks = await splitChunks(text, [chapter(0, 0, text.length)], { chunkSize: 100, chunkOverlap: 0 });
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.slice(1).every((chunk) => chunk.text.startsWith("。"))).toBe(true);
  });

  it("returns no chunks without chapters", async () => {
    expect(await splitChunks("text", [], { chunkSize: 100, chunkOverlap: 0 })).toEqual([]);
  });

  it("rejects an overlap as large as the chunk size", async () => {
    await expect(splitChunks("text", [], { chunkSize: 100, chunkOverlap: 100 })).rejects.toThrow(ConfigError);
  });

  it("rejects a zero chunk size", async () => {
    await expect(splitChunks("text", [], { chunkSize: 0, chunkOverlap: 0 })).rejects.toThrow(
      "chunkSize must be a positive integer, got 0",
    );
  });
});
