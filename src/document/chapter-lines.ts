/**
 * Chapters from chapter lines in plain text: "CHAPTER I", "Chapter 12. The
 * Trial", "Letter 3", "BOOK TWO", "Part 3", Chinese and Japanese "第一回" or
 * "第12章" lines, and, when nothing else is found, bare Roman numeral lines.
 *
 * An English chapter line must start a paragraph (a blank line or the start of
 * the text before it) and stand alone: at most one title line may follow it
 * before the next blank line. That keeps prose such as "Chapter 5 of the
 * report..." out. A chapter line with no text before the next chapter line is
 * a table of contents entry, not a chapter.
 */
import { countLetters, frontMatterChapter, trimRange, type ChapterCandidate } from "./chapter-bounds.js";
import { splitLines, type TextLine } from "./markdown-headings.js";

/** Maximum length, in characters, of a chapter line or a title line. */
const MAX_HEADING_LINE_CHARS = 100;

const NUMBER_WORD =
  "(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?" +
  "|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen" +
  "|(?:one )?hundred)";

/** Keyword, number, then an optional title after punctuation or spaces. */
const KEYWORD_LINE = new RegExp(
  `^[^\\S\\n]*(chapter|letter|book|part|volume|section|canto|stave)[^\\S\\n]+(\\d+|[ivxlcdm]+|${NUMBER_WORD})\\b[.:]?` +
    `(?:[^\\S\\n]*[-–—:.][^\\S\\n]*|[^\\S\\n]+)?(.*)$`,
  "i",
);

/** 第 + number + unit (回 chapter of a novel, 章 chapter, 卷 volume, ...), then an optional title. */
const CJK_LINE =
  /^[\s\u3000]*第([0-9０-９一二三四五六七八九十百千零〇○两兩]+)([回章節节卷部篇話话幕])(?:[\s\u3000:：、.．]+(.*))?$/;

/** A bare Roman numeral, optionally followed by a title. */
const ROMAN_LINE = /^[^\S\n]*([IVXLCDM]+)\b\.?(?:[^\S\n]*[-–—:.][^\S\n]*|[^\S\n]+)?(.*)$/;

const VALID_ROMAN = /^M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$/i;

type LineKind = "keyword" | "cjk" | "roman";

interface ChapterLine {
  kind: LineKind;
  /** Keyword and number in lower case, for spotting a table of contents repeated later. */
  label: string;
  title: string;
  /** Offset where the chapter line starts. */
  start: number;
  /** Offset after the chapter line and its title line. */
  headingEnd: number;
}

/** Finds chapters from chapter lines; returns fewer than two when the text has no such structure. */
export function findChapterLines(text: string): ChapterCandidate[] {
  const lines = splitLines(text);
  const found = collectChapterLines(lines);
  const named = dropTableOfContents(text, found.filter((line) => line.kind !== "roman"));
  // Bare numerals are a weaker signal, so they count only when nothing else does and they run in order.
  const chosen = named.length >= 2 ? named : dropTableOfContents(text, found.filter((line) => line.kind === "roman"));
  if (chosen.length < 2 || (chosen !== named && !romanNumeralsAscend(chosen))) {
    return [];
  }

  const chapters: ChapterCandidate[] = [];
  chosen.forEach((line, i) => {
    const boundary = chosen[i + 1]?.start ?? text.length;
    const range = trimRange(text, line.headingEnd, boundary);
    if (range) {
      chapters.push({ title: line.title, ...range, source: "chapter-line" });
    }
  });
  const front = frontMatterChapter(text, chosen[0]!.start, "chapter-line", (segment) => segment);
  return front ? [front, ...chapters] : chapters;
}

function collectChapterLines(lines: readonly TextLine[]): ChapterLine[] {
  const found: ChapterLine[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const chapterLine = parseChapterLine(lines, i);
    if (chapterLine) {
      found.push(chapterLine);
    }
  }
  return found;
}

function parseChapterLine(lines: readonly TextLine[], index: number): ChapterLine | undefined {
  const line = lines[index]!;
  if (line.text.trim() === "" || line.text.length > MAX_HEADING_LINE_CHARS) {
    return undefined;
  }

  const cjk = CJK_LINE.exec(line.text);
  if (cjk) {
    // 第...回 with a unit character is specific enough to need no blank lines around it.
    const title = [`第${cjk[1]!}${cjk[2]!}`, cleanTitle(cjk[3] ?? "")].filter(Boolean).join(" ");
    return { kind: "cjk", label: `${cjk[2]!}${cjk[1]!}`, title, start: line.start, headingEnd: line.next };
  }

  const previous = lines[index - 1];
  if (previous !== undefined && previous.text.trim() !== "") {
    return undefined;
  }
  const parsed = parseKeywordLine(line.text) ?? parseRomanLine(line.text);
  if (!parsed) {
    return undefined;
  }

  const block = readTitleLine(lines, index, parsed.title !== "");
  if (!block) {
    return undefined;
  }
  const title = [parsed.heading, parsed.title || block.title].filter(Boolean).join(". ");
  return { kind: parsed.kind, label: parsed.label, title, start: line.start, headingEnd: block.end };
}

interface ParsedHeading {
  kind: LineKind;
  label: string;
  /** Keyword and number as written, with the keyword capitalised: "Chapter XII". */
  heading: string;
  title: string;
}

function parseKeywordLine(text: string): ParsedHeading | undefined {
  const match = KEYWORD_LINE.exec(text);
  if (!match) {
    return undefined;
  }
  const [, keyword, number, rest] = match as unknown as [string, string, string, string];
  // Prose starts lower case ("chapter 5 of the report"); so does a number that is not a valid numeral.
  if (!/^[A-Z]/.test(keyword) || (/^[ivxlcdm]+$/i.test(number) && !VALID_ROMAN.test(number))) {
    return undefined;
  }
  const title = cleanTitle(rest);
  if (title !== "" && !startsLikeTitle(title)) {
    return undefined;
  }
  const capitalised = keyword[0]! + keyword.slice(1).toLowerCase();
  return { kind: "keyword", label: `${keyword} ${number}`.toLowerCase(), heading: `${capitalised} ${number}`, title };
}

function parseRomanLine(text: string): ParsedHeading | undefined {
  const match = ROMAN_LINE.exec(text);
  if (!match || !VALID_ROMAN.test(match[1]!)) {
    return undefined;
  }
  const title = cleanTitle(match[2] ?? "");
  if (title !== "" && !startsLikeTitle(title)) {
    return undefined;
  }
  return { kind: "roman", label: match[1]!.toLowerCase(), heading: match[1]!, title };
}

/**
 * Checks that the chapter line is a paragraph of its own and reads a title
 * from the line after it when there is one. That title line is either directly
 * below, or after one blank line and followed by a blank line. Returns
 * undefined when the chapter line is the start of a prose paragraph.
 */
function readTitleLine(
  lines: readonly TextLine[],
  index: number,
  hasTitle: boolean,
): { title: string; end: number } | undefined {
  const line = lines[index]!;
  const next = lines[index + 1];
  if (next === undefined) {
    return { title: "", end: line.next };
  }
  const afterNext = lines[index + 2];
  const nextIsBlank = next.text.trim() === "";

  if (!nextIsBlank) {
    const isOwnParagraph = afterNext === undefined || afterNext.text.trim() === "";
    if (hasTitle || !isOwnParagraph || !isTitleLine(next.text)) {
      return undefined;
    }
    return { title: cleanTitle(next.text), end: next.next };
  }

  const third = lines[index + 3];
  const titleAfterBlank =
    !hasTitle &&
    afterNext !== undefined &&
    isTitleLine(afterNext.text) &&
    (third === undefined || third.text.trim() === "");
  return titleAfterBlank ? { title: cleanTitle(afterNext.text), end: afterNext.next } : { title: "", end: line.next };
}

/**
 * Tests for a title line: short, not itself a chapter line, and not ending
 * like a sentence unless it is all capitals ("THE PERIOD.").
 */
function isTitleLine(text: string): boolean {
  const title = cleanTitle(text);
  if (title === "" || title.length > MAX_HEADING_LINE_CHARS || !startsLikeTitle(title)) {
    return false;
  }
  if (CJK_LINE.test(text) || parseKeywordLine(text) || parseRomanLine(text)) {
    return false;
  }
  const allCapitals = title === title.toUpperCase() && /\p{Lu}/u.test(title);
  return allCapitals || !/[.,;:!?]$/.test(title);
}

/** Titles start with a capital, a digit, a quote or a letter of a script without case. */
function startsLikeTitle(title: string): boolean {
  return /^[\p{Lu}\p{Lo}\p{N}"'“‘([]/u.test(title);
}

/** Trims a title and removes emphasis markers such as `_To Mrs. Saville_`. */
function cleanTitle(text: string): string {
  return text
    .replace(/[\s\u3000]+/g, " ")
    .trim()
    .replace(/^[_*]+|[_*]+$/g, "")
    .trim();
}

/**
 * Removes table-of-contents entries: chapter lines with no text before the
 * next chapter line, and the last entry of such a run when its label is used
 * again later (the real chapter).
 */
function dropTableOfContents(text: string, found: readonly ChapterLine[]): ChapterLine[] {
  const hasBody = found.map((line, i) => {
    const boundary = found[i + 1]?.start ?? text.length;
    return countLetters(text.slice(line.headingEnd, boundary)) > 0;
  });
  return found.filter((line, i) => {
    if (!hasBody[i]) {
      return false;
    }
    // Two empty entries before this one: a contents list, not "BOOK I" directly above "CHAPTER I".
    const endsContents = i >= 2 && !hasBody[i - 1] && !hasBody[i - 2];
    const labelRepeats = found.slice(i + 1).some((later) => later.label === line.label);
    return !(endsContents && labelRepeats);
  });
}

function romanNumeralsAscend(lines: readonly ChapterLine[]): boolean {
  const values = lines.map((line) => romanToNumber(line.label));
  return values.every((value, i) => i === 0 || value > values[i - 1]!);
}

function romanToNumber(numeral: string): number {
  const digits: Record<string, number> = { i: 1, v: 5, x: 10, l: 50, c: 100, d: 500, m: 1000 };
  let total = 0;
  for (let i = 0; i < numeral.length; i += 1) {
    const value = digits[numeral[i]!] ?? 0;
    const next = digits[numeral[i + 1] ?? ""] ?? 0;
    total += value < next ? -value : value;
  }
  return total;
}
