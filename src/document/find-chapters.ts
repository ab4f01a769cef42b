/**
 * Chapter segmentation of a normalised document. Markdown headings are tried
 * first, then chapter lines ("Chapter I", "第一回"), and text with neither is
 * cut by length at paragraph boundaries.
 */
import { ConfigError } from "../errors.js";
import type { ChapterPlan, DocumentFormat } from "../state.js";
import type { ChapterCandidate } from "./chapter-bounds.js";
import { findChapterLines } from "./chapter-lines.js";
import { findHeadingChapters } from "./heading-chapters.js";
import { cutByLength } from "./length-chapters.js";
import { parseMarkdownHeadings } from "./markdown-headings.js";

/** Chapter length aimed at when a text has no structure, in characters (roughly 2,000 English words). */
export const DEFAULT_TARGET_CHAPTER_CHARS = 12_000;

/** Options of findChapters. */
export interface FindChaptersOptions {
  /** Length of chapters cut from unstructured text, in characters; defaults to DEFAULT_TARGET_CHAPTER_CHARS. */
  targetChapterChars?: number;
}

/**
 * Finds the chapters of a text as half-open [start, end) ranges of their
 * bodies (headings excluded), ascending and non-overlapping. Returns an empty
 * list for text that is empty or whitespace only.
 */
export function findChapters(text: string, format: DocumentFormat, options: FindChaptersOptions = {}): ChapterPlan[] {
  const target = options.targetChapterChars ?? DEFAULT_TARGET_CHAPTER_CHARS;
  if (!Number.isFinite(target) || target <= 0) {
    throw new ConfigError(`targetChapterChars must be a positive number of characters, got ${target}; pass a value such as 12000`);
  }

  let chapters: ChapterCandidate[] = format === "markdown" ? findHeadingChapters(text, target) : [];
  if (chapters.length < 2) {
    chapters = findChapterLines(text);
  }
  if (chapters.length < 2) {
    const start = format === "markdown" ? skipLeadingMarkup(text) : 0;
    chapters = cutByLength(text, target, start);
  }
  return chapters.map((chapter, index) => ({ index, ...chapter }));
}

/**
 * Returns the offset of the first line that is prose, past leading headings
 * and rules, so a length cut does not open with "# Title: ..." metadata.
 */
function skipLeadingMarkup(text: string): number {
  const headings = parseMarkdownHeadings(text);
  let offset = 0;
  for (;;) {
    const heading = headings.find((candidate) => candidate.start === offset);
    if (heading) {
      offset = heading.end;
      continue;
    }
    const line = /^(?:[^\S\n]*(?:[-*_][^\S\n]*){3,})?[^\S\n]*(?:\n|$)/.exec(text.slice(offset));
    if (line && line[0].length > 0 && offset < text.length) {
      offset += line[0].length;
      continue;
    }
    return offset;
  }
}
