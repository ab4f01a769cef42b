/**
 * Chapters from Markdown headings.
 *
 * Which heading level marks chapters differs between documents: a book may use
 * `#` for its title and `##` for chapters, a README `#` for sections. A heading
 * counts at level L when its section, up to the next heading of level L or
 * higher, has body text of its own. Headings above level L count only if text
 * sits directly under them and is as long as front matter kept as a chapter
 * (a title heading over a one-line note is not a chapter). The chosen level is the highest one with at least
 * two such headings. It moves one level deeper while the chapters are far
 * longer than the target and the deeper level splits them further.
 */
import {
  MIN_FRONT_MATTER_LETTERS,
  countLetters,
  frontMatterChapter,
  trimRange,
  type ChapterCandidate,
} from "./chapter-bounds.js";
import { parseMarkdownHeadings, type MarkdownHeading } from "./markdown-headings.js";

/** Median chapter length, as a multiple of the target, above which a deeper heading level is tried. */
const OVERSIZED_CHAPTER_FACTOR = 4;

/** Finds chapters from headings; returns fewer than two when the headings do not mark chapters. */
export function findHeadingChapters(text: string, targetChapterChars: number): ChapterCandidate[] {
  const headings = parseMarkdownHeadings(text);
  const levels = [...new Set(headings.map((heading) => heading.level))].sort((a, b) => a - b);
  const layouts = levels
    .map((level) => ({ level, chapters: chaptersAtLevel(text, headings, level) }))
    .filter((layout) => layout.chapters.length >= 2);

  let chosen = layouts[0];
  if (!chosen) {
    return [];
  }
  for (const deeper of layouts.slice(1)) {
    const oversized = medianLength(chosen.chapters) > OVERSIZED_CHAPTER_FACTOR * targetChapterChars;
    if (!oversized || deeper.chapters.length <= chosen.chapters.length) {
      break;
    }
    chosen = deeper;
  }

  // NOTE: a very long section stays one chapter (the yt-dlp README's options section is about 62,000
  // characters); only unstructured text is cut by length.
  const chapters = chosen.chapters.map(({ candidate }) => candidate);
  const firstHeadingStart = chosen.chapters[0]!.heading.start;
  const front = frontMatterChapter(text, firstHeadingStart, "heading", (segment) => removeMarkup(segment));
  return front ? [front, ...chapters] : chapters;
}

interface HeadingChapter {
  heading: MarkdownHeading;
  candidate: ChapterCandidate;
}

function chaptersAtLevel(text: string, headings: readonly MarkdownHeading[], level: number): HeadingChapter[] {
  // directLetters[i] counts the letters between heading i and the next heading of any level.
  const directLetters = headings.map((heading, i) => {
    const next = headings[i + 1]?.start ?? text.length;
    return countLetters(removeMarkup(text.slice(heading.end, next)));
  });

  // Walk backwards so the next heading of this level or higher, and whether any text lies before it, are known.
  const chapters: HeadingChapter[] = [];
  let boundary = text.length;
  let textBeforeBoundary = false;
  for (let i = headings.length - 1; i >= 0; i -= 1) {
    const heading = headings[i]!;
    textBeforeBoundary ||= directLetters[i]! > 0;
    if (heading.level > level) {
      continue;
    }
    // A heading above the chapter level only counts for the text directly under it.
    const hasBody = heading.level === level ? textBeforeBoundary : directLetters[i]! >= MIN_FRONT_MATTER_LETTERS;
    const range = hasBody ? trimRange(text, heading.end, boundary) : undefined;
    if (range) {
      chapters.push({ heading, candidate: { title: heading.title, ...range, source: "heading" } });
    }
    boundary = heading.start;
    textBeforeBoundary = false;
  }
  return chapters.reverse();
}

/** Drops what is not read as prose: HTML comments and tags, link targets, `#` lines such as comments in code. */
function removeMarkup(segment: string): string {
  return segment
    .replace(/<!--[\s\S]*?(?:-->|$)/g, "")
    .replace(/<[^>]+>/g, "")
    .replace(/\]\([^)]*\)/g, "]")
    .replace(/^ {0,3}#{1,6}(?:[ \t].*)?$/gm, "");
}

function medianLength(chapters: readonly HeadingChapter[]): number {
  const lengths = chapters.map(({ candidate }) => candidate.end - candidate.start).sort((a, b) => a - b);
  return lengths[Math.floor(lengths.length / 2)] ?? 0;
}
