/**
 * Chapters and chunks of three shared-corpus books for the retrieval
 * benchmark, split with rules that fit those files only. The product's own
 * reader and splitter live in src/document; the benchmark keeps its own so
 * its numbers do not move when they change.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import iconv from "iconv-lite";
import type { IndexableChunk } from "../src/indexing/chunk-metadata.js";

/** One book cut into chapters and chunks. */
export interface CorpusBook {
  id: string;
  text: string;
  chapters: { index: number; title: string; start: number; end: number }[];
  chunks: IndexableChunk[];
}

/** Books of the evaluation set, with the heading pattern that starts each chapter. */
const BOOKS = [
  {
    id: "hound",
    file: "hound-of-the-baskervilles.md",
    encoding: "utf8",
    heading: /^##\s+(Chapter \d+\..*?)\s*$/gm,
    maxChapters: Infinity,
  },
  {
    id: "frankenstein",
    file: "frankenstein-gutenberg.txt",
    encoding: "windows-1252",
    heading: /^((?:Letter|Chapter) \d+)\s*$/gm,
    maxChapters: Infinity,
  },
  {
    id: "journey",
    file: "journey-to-the-west-zh.txt",
    encoding: "utf8",
    heading: /^\s*(第[一二三四五六七八九十○〇]+回.*?)\s*$/gm,
    maxChapters: 12,
  },
] as const;

/** Reads the evaluation books from `corpusDir` and chunks them at about `chunkSize` characters. */
export function loadCorpusBooks(corpusDir: string, chunkSize = 1000): CorpusBook[] {
  return BOOKS.map((book) => {
    const bytes = readFileSync(path.join(corpusDir, book.file));
    const text = iconv.decode(bytes, book.encoding).replace(/\r\n/g, "\n");
    const headings = [...text.matchAll(book.heading)].slice(0, book.maxChapters + 1);
    const chapters = headings.slice(0, book.maxChapters).map((heading, index) => ({
      index,
      title: (heading[1] as string).trim(),
      start: heading.index,
      end: headings[index + 1]?.index ?? endOfBody(text),
    }));
    const chunks = chapters.flatMap((chapter) => chunkRange(text, chapter, chunkSize));
    return { id: book.id, text, chapters, chunks };
  });
}

// Project Gutenberg's licence follows the body and is no chapter's text.
function endOfBody(text: string): number {
  const end = text.search(/^\*\*\* ?END OF (THE|THIS) PROJECT GUTENBERG/m);
  return end >= 0 ? end : text.length;
}

/** Cuts a chapter into chunks that end at a line break or sentence end near `chunkSize` characters. */
export function chunkRange(
  text: string,
  chapter: { index: number; title: string; start: number; end: number },
  chunkSize: number,
): IndexableChunk[] {
  const chunks: IndexableChunk[] = [];
  let start = chapter.start;
  while (start < chapter.end) {
    let end = Math.min(chapter.end, start + chunkSize);
    if (end < chapter.end) {
      const window = text.slice(start + chunkSize / 2, end);
      const lastBreak = Math.max(window.lastIndexOf("\n"), window.lastIndexOf("。"), window.lastIndexOf(". "));
      if (lastBreak >= 0) end = start + chunkSize / 2 + lastBreak + 1;
    }
    const chunkText = text.slice(start, end);
    if (chunkText.trim().length > 0) {
      const chunkIndex = chunks.length;
      chunks.push({
        id: `${chapter.index}:${chunkIndex}`,
        chapterIndex: chapter.index,
        chapterTitle: chapter.title,
        chunkIndex,
        start,
        end,
        text: chunkText,
      });
    }
    start = end;
  }
  return chunks;
}
