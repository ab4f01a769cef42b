/**
 * Chapters cut by length, for text with no headings or chapter lines. Cuts
 * fall between paragraphs. A paragraph far longer than the target is cut
 * between lines, then after sentences, and only as a last resort inside a
 * sentence.
 */
import { trimRange, type ChapterCandidate } from "./chapter-bounds.js";

/** Maximum piece length, as a multiple of the target, kept whole before it is cut at a finer boundary. */
const MAX_PIECE_FACTOR = 1.5;

/** A last chapter shorter than this share of the target is merged into the one before it. */
const MIN_LAST_CHAPTER_SHARE = 0.25;

/** Words of a chapter's opening used in its title. */
const TITLE_WORDS = 6;

/** Characters of a chapter's opening used in its title when the text has no spaces (Chinese, Japanese). */
const TITLE_CHARS_WITHOUT_SPACES = 12;

/** Separators from coarsest to finest. Each one splits after its match. */
const BOUNDARIES: readonly RegExp[] = [/\n[^\S\n]*\n+/g, /\n/g, /[.!?]["'”’)]*\s+|[。！？…]["'”’」』)]*/gu];

/** Cuts [start, end) of the text into chapters of about `targetChars` characters, titled "Part N: opening words…". */
export function cutByLength(text: string, targetChars: number, start = 0, end = text.length): ChapterCandidate[] {
  const pieces = splitIntoPieces(text, start, end, targetChars, 0);
  const ranges: Array<{ start: number; end: number }> = [];
  let current: { start: number; end: number } | undefined;

  for (const piece of pieces) {
    if (!current) {
      current = { ...piece };
      continue;
    }
    const lengthWith = piece.end - current.start;
    const lengthWithout = current.end - current.start;
    // Close the chapter before this piece when that lands nearer the target than taking it in.
    if (lengthWith > targetChars && targetChars - lengthWithout < lengthWith - targetChars) {
      ranges.push(current);
      current = { ...piece };
    } else {
      current.end = piece.end;
    }
  }
  if (current) {
    ranges.push(current);
  }

  const last = ranges[ranges.length - 1];
  if (ranges.length >= 2 && last && last.end - last.start < MIN_LAST_CHAPTER_SHARE * targetChars) {
    ranges.pop();
    ranges[ranges.length - 1]!.end = last.end;
  }

  const chapters: ChapterCandidate[] = [];
  for (const range of ranges) {
    const trimmed = trimRange(text, range.start, range.end);
    if (trimmed) {
      const title = `Part ${chapters.length + 1}: ${openingWords(text.slice(trimmed.start, trimmed.end))}`;
      chapters.push({ title, ...trimmed, source: "length" });
    }
  }
  return chapters;
}

/**
 * Splits [start, end) after each match of BOUNDARIES[level]; pieces still
 * longer than MAX_PIECE_FACTOR times the target are split at the next level,
 * and past the last level into fixed-size pieces.
 */
function splitIntoPieces(
  text: string,
  start: number,
  end: number,
  targetChars: number,
  level: number,
): Array<{ start: number; end: number }> {
  if (end - start <= MAX_PIECE_FACTOR * targetChars) {
    return [{ start, end }];
  }
  const boundary = BOUNDARIES[level];
  if (!boundary) {
    return cutFixed(text, start, end, targetChars);
  }

  const pieces: Array<{ start: number; end: number }> = [];
  let pieceStart = start;
  const segment = text.slice(start, end);
  for (const match of segment.matchAll(boundary)) {
    const cut = start + match.index + match[0].length;
    if (cut > pieceStart && cut < end) {
      pieces.push(...splitIntoPieces(text, pieceStart, cut, targetChars, level + 1));
      pieceStart = cut;
    }
  }
  pieces.push(...splitIntoPieces(text, pieceStart, end, targetChars, level + 1));
  return pieces;
}

/** Cuts every `targetChars` characters, moved back to a space when there is one, never inside a surrogate pair. */
function cutFixed(text: string, start: number, end: number, targetChars: number): Array<{ start: number; end: number }> {
  const pieces: Array<{ start: number; end: number }> = [];
  let pieceStart = start;
  while (end - pieceStart > targetChars) {
    let cut = pieceStart + targetChars;
    // Look back at most half a piece for a space, so text without spaces is not rescanned from its start.
    const earliest = pieceStart + targetChars / 2;
    let space = cut;
    while (space > earliest && text[space] !== " ") {
      space -= 1;
    }
    if (space > earliest) {
      cut = space + 1;
    }
    if (/[\uDC00-\uDFFF]/.test(text[cut] ?? "")) {
      cut -= 1;
    }
    pieces.push({ start: pieceStart, end: cut });
    pieceStart = cut;
  }
  pieces.push({ start: pieceStart, end });
  return pieces;
}

/** Returns the first words of a chapter, without Markdown markers, followed by an ellipsis. */
function openingWords(body: string): string {
  const plain = body
    .slice(0, 1000)
    .replace(/[#*_`>|[\]]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  const words = plain.split(" ");
  if (words.length >= TITLE_WORDS || !/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(plain)) {
    const opening = words.slice(0, TITLE_WORDS).join(" ");
    return words.length > TITLE_WORDS ? `${opening}…` : opening;
  }
  const opening = [...plain].slice(0, TITLE_CHARS_WITHOUT_SPACES).join("");
  return [...plain].length > TITLE_CHARS_WITHOUT_SPACES ? `${opening}…` : opening;
}
