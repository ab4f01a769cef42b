/**
 * Line breaking and fitting by measured width. Pure: the caller passes a
 * `measure` function, so layouts can be tested without a canvas.
 *
 * Latin text breaks between words; Chinese, Japanese and Korean text breaks
 * between any two characters, except that closing punctuation stays with the
 * character before it and opening punctuation with the character after it.
 * A word wider than the line is split with a hyphen.
 */
import type { FontWeight } from "./fonts.js";

/** A font size and weight; the family list comes from the slide's font stack. */
export interface FontSpec {
  sizePx: number;
  weight: FontWeight;
}

/** Returns the advance width of `text` in pixels when drawn in `font`. */
export type MeasureText = (text: string, font: FontSpec) => number;

/** Text broken into lines that each fit the width they were broken for. */
export interface FittedText {
  lines: string[];
  font: FontSpec;
  /** True when text was cut and the last line ends with an ellipsis. */
  truncated: boolean;
}

/** Limits for `fitText`. */
export interface FitOptions {
  maxWidth: number;
  maxLines: number;
  maxSizePx: number;
  minSizePx: number;
  weight: FontWeight;
  /** With `maxHeight`: line height as a multiple of the font size, to cap the line count by height. */
  lineHeightRatio?: number;
  maxHeight?: number;
}

export const ELLIPSIS = "\u2026";

/** Ideographs, kana, hangul and CJK punctuation: each character is a break opportunity. */
const WIDE_CHARACTER =
  /[\u1100-\u11ff\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u31ff\u3200-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u{20000}-\u{3ffff}]/u;
/** Characters that must not start a line. */
const CLOSING_PUNCTUATION = /[，。、；：！？）」』】》〉〕］｝〗〙〛…—～・ー’”,.;:!?)\]}%]/u;
/** Characters that must not end a line. */
const OPENING_PUNCTUATION = /[（「『【《〈〔［｛〖〘〚‘“([{]/u;

/**
 * Splits `text` into breakable tokens: whitespace runs become a single space,
 * each wide character is a token, and other characters form words.
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let word = "";
  let glueNext = false;

  const flushWord = (): void => {
    if (word !== "") tokens.push(word);
    word = "";
  };

  for (const char of text) {
    if (/\s/u.test(char)) {
      flushWord();
      if (tokens.length > 0 && tokens[tokens.length - 1] !== " ") tokens.push(" ");
      glueNext = false;
      continue;
    }
    const last = tokens.length - 1;
    if (CLOSING_PUNCTUATION.test(char) && word === "" && last >= 0 && tokens[last] !== " ") {
      tokens[last] += char;
      continue;
    }
    if (WIDE_CHARACTER.test(char) && OPENING_PUNCTUATION.test(char)) {
      if (!glueNext) flushWord();
      word += char;
      glueNext = true;
      continue;
    }
    if (WIDE_CHARACTER.test(char)) {
      if (glueNext && word !== "") {
        word += char;
        flushWord();
      } else {
        flushWord();
        tokens.push(char);
      }
      glueNext = false;
      continue;
    }
    word += char;
    glueNext = OPENING_PUNCTUATION.test(char);
  }
  flushWord();
  if (tokens[tokens.length - 1] === " ") tokens.pop();
  return tokens;
}

/** Breaks `text` into lines no wider than `maxWidth` in `font`. */
export function wrapText(text: string, maxWidth: number, font: FontSpec, measure: MeasureText): string[] {
  const lines: string[] = [];
  let line = "";
  let pendingSpace = false;

  for (const token of tokenize(text)) {
    if (token === " ") {
      pendingSpace = line !== "";
      continue;
    }
    const candidate = pendingSpace ? `${line} ${token}` : line + token;
    pendingSpace = false;
    if (measure(candidate, font) <= maxWidth) {
      line = candidate;
      continue;
    }
    if (line !== "") lines.push(line);
    line = token;
    while (measure(line, font) > maxWidth) {
      const { head, rest } = splitOverlongWord(line, maxWidth, font, measure);
      lines.push(head);
      line = rest;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

/**
 * Cuts the widest prefix of `word` that fits, adding a hyphen when the cut
 * falls between two letters. At least one character goes on the line so the
 * loop always advances, even when one glyph is wider than the line.
 */
function splitOverlongWord(
  word: string,
  maxWidth: number,
  font: FontSpec,
  measure: MeasureText,
): { head: string; rest: string } {
  const chars = [...word];
  const headFor = (count: number): string => {
    const head = chars.slice(0, count).join("");
    const between = /\p{L}/u.test(chars[count - 1] ?? "") && /\p{L}/u.test(chars[count] ?? "");
    return between ? `${head}-` : head;
  };

  let low = 1;
  let high = chars.length - 1;
  let best = 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (measure(headFor(middle), font) <= maxWidth) {
      best = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  const head = measure(headFor(best), font) <= maxWidth ? headFor(best) : chars.slice(0, best).join("");
  return { head, rest: chars.slice(best).join("") };
}

/**
 * Returns `text` if it fits `maxWidth`, otherwise its widest prefix that fits
 * with an ellipsis appended (or an empty string if not even the ellipsis fits).
 */
export function ellipsize(text: string, maxWidth: number, font: FontSpec, measure: MeasureText): string {
  if (measure(text, font) <= maxWidth) return text;
  return truncateWithEllipsis(text, maxWidth, font, measure);
}

/** Returns the widest prefix of `text` that fits `maxWidth` with an ellipsis appended, always ending in one. */
export function truncateWithEllipsis(text: string, maxWidth: number, font: FontSpec, measure: MeasureText): string {
  const chars = [...text];
  const withEllipsis = (count: number): string => chars.slice(0, count).join("").replace(/[\s-]+$/u, "") + ELLIPSIS;

  let low = 0;
  let high = chars.length;
  let best = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (measure(withEllipsis(middle), font) <= maxWidth) {
      best = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return best < 0 ? "" : withEllipsis(best);
}

/**
 * Wraps `text` at the largest size from `maxSizePx` down to `minSizePx` at
 * which it fits in `maxLines`. If it does not fit even at the minimum size,
 * the first `maxLines` lines are kept and the last one ends with an ellipsis.
 */
export function fitText(text: string, options: FitOptions, measure: MeasureText): FittedText {
  const { maxWidth, maxSizePx, minSizePx, weight } = options;
  const maxLinesAt = (sizePx: number): number => {
    if (options.maxHeight === undefined) return options.maxLines;
    const byHeight = Math.floor(options.maxHeight / (sizePx * (options.lineHeightRatio ?? 1.2)));
    return Math.max(1, Math.min(options.maxLines, byHeight));
  };
  const step = Math.max(1, maxSizePx * 0.04);

  for (let sizePx = maxSizePx; sizePx > minSizePx; sizePx -= step) {
    const font = { sizePx, weight };
    const lines = wrapText(text, maxWidth, font, measure);
    if (lines.length <= maxLinesAt(sizePx)) return { lines, font, truncated: false };
  }

  const font = { sizePx: minSizePx, weight };
  const lines = wrapText(text, maxWidth, font, measure);
  return limitLines(lines, maxLinesAt(minSizePx), maxWidth, font, measure);
}

/** Keeps at most `maxLines` lines, ending the last kept line with an ellipsis when lines were dropped. */
export function limitLines(
  lines: string[],
  maxLines: number,
  maxWidth: number,
  font: FontSpec,
  measure: MeasureText,
): FittedText {
  if (lines.length <= maxLines) return { lines, font, truncated: false };
  const keptLines = lines.slice(0, maxLines);
  const lastIndex = keptLines.length - 1;
  keptLines[lastIndex] = truncateWithEllipsis(keptLines[lastIndex]!, maxWidth, font, measure);
  return { lines: keptLines, font, truncated: true };
}
