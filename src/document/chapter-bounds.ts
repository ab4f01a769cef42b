/**
 * Pieces shared by the chapter finders: the chapter shape before numbering,
 * trimming a range to its body, and the rule for text before the first chapter.
 */
import type { ChapterPlan } from "../state.js";

/** A chapter before it gets its index. */
export type ChapterCandidate = Omit<ChapterPlan, "index">;

/**
 * Letters and digits that text before the first chapter needs to become a
 * chapter of its own. Below this it is a title page, a table of contents or
 * similar, and is left out.
 */
export const MIN_FRONT_MATTER_LETTERS = 1000;

/**
 * Title of the chapter made from substantial text before the first chapter.
 * NOTE: it is English whatever the document's language.
 */
export const FRONT_MATTER_TITLE = "Introduction";

/**
 * Narrows [start, end) so it starts at the first non-blank line and ends after
 * the last non-whitespace character; returns undefined when nothing is left.
 */
export function trimRange(text: string, start: number, end: number): { start: number; end: number } | undefined {
  let first = start;
  while (first < end && /\s/.test(text[first]!)) {
    first += 1;
  }
  if (first === end) {
    return undefined;
  }
  // Keep the indentation of the first line (ideographic spaces in Chinese text, for example).
  let trimmedStart = first;
  while (trimmedStart > start && text[trimmedStart - 1] !== "\n") {
    trimmedStart -= 1;
  }

  let last = end;
  while (last > trimmedStart && /\s/.test(text[last - 1]!)) {
    last -= 1;
  }
  return { start: trimmedStart, end: last };
}

/** Counts letters and digits, the measure of how much readable text a range holds. */
export function countLetters(text: string): number {
  return text.match(/[\p{L}\p{N}]/gu)?.length ?? 0;
}

/**
 * Returns a chapter for the text before the first chapter when it contains at
 * least MIN_FRONT_MATTER_LETTERS letters after `removeMarkup` drops what is
 * not prose. Otherwise returns undefined, and that text belongs to no chapter.
 */
export function frontMatterChapter(
  text: string,
  firstChapterStart: number,
  source: ChapterPlan["source"],
  removeMarkup: (segment: string) => string,
): ChapterCandidate | undefined {
  const segment = text.slice(0, firstChapterStart);
  if (countLetters(removeMarkup(segment)) < MIN_FRONT_MATTER_LETTERS) {
    return undefined;
  }
  const range = trimRange(text, 0, firstChapterStart);
  return range ? { title: FRONT_MATTER_TITLE, ...range, source } : undefined;
}
