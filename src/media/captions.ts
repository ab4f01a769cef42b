/**
 * Captions (SRT and WebVTT) from sentence timings.
 *
 * Each sentence is wrapped into lines of at most `maxLineWidth` columns and
 * grouped into cues of at most `maxLines` lines, each cue holding text of
 * one sentence only. A sentence's time span is
 * shared among its cues in proportion to their non-space characters, since
 * speech time grows roughly with the amount of text.
 */
import type { SentenceTiming } from "../adapters/tts/tts-adapter.js";

/** One caption on screen. */
export interface CaptionCue {
  startSeconds: number;
  endSeconds: number;
  /** Text lines shown together, top to bottom. */
  lines: string[];
}

/** Layout and placement of the cues built from one list of timings. */
export interface CaptionOptions {
  /** Maximum line width in columns; CJK and other wide characters count as two (default 42). */
  maxLineWidth?: number;
  /** Maximum lines per cue (default 2). */
  maxLines?: number;
  /** Added to every time, to place a scene's sentences inside a chapter (default 0). */
  offsetSeconds?: number;
}

const DEFAULT_MAX_LINE_WIDTH = 42;
const DEFAULT_MAX_LINES = 2;

/** Unicode ranges displayed two columns wide: CJK, kana, Hangul, full-width forms and CJK punctuation. */
const WIDE_CHARACTER =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;
/** Punctuation that must not start a line, so it stays glued to the text before it. */
const NO_BREAK_BEFORE = /^[,.;:!?)\]}»”’、。，．：；！？）」』】〉》〕]/u;

/** Display width of `text` in columns. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const character of text) width += WIDE_CHARACTER.test(character) ? 2 : 1;
  return width;
}

interface Token {
  text: string;
  /** Whether the source had whitespace before this token, so joining puts a space back. */
  spaceBefore: boolean;
}

/**
 * Splits text into wrappable tokens: whitespace-separated words, with each
 * wide (CJK) character its own token because those scripts wrap between
 * characters. Closing punctuation joins the token before it.
 */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(/(\s*)(\S+)/gu)) {
    let spaceBefore = (match[1] ?? "").length > 0 && tokens.length > 0;
    let pending = "";
    const flush = (): void => {
      if (!pending) return;
      tokens.push({ text: pending, spaceBefore });
      pending = "";
      spaceBefore = false;
    };
    for (const character of match[2] ?? "") {
      const previous = tokens[tokens.length - 1];
      if (NO_BREAK_BEFORE.test(character) && !pending && previous && !spaceBefore) {
        previous.text += character;
      } else if (WIDE_CHARACTER.test(character) && !NO_BREAK_BEFORE.test(character)) {
        flush();
        pending = character;
        flush();
      } else {
        pending += character;
      }
    }
    flush();
  }
  return tokens;
}

/** Cuts a token wider than `maxWidth` into pieces that fit. */
function splitLongToken(token: Token, maxWidth: number): Token[] {
  const pieces: Token[] = [];
  let current = "";
  for (const character of token.text) {
    if (current && displayWidth(current + character) > maxWidth) {
      pieces.push({ text: current, spaceBefore: pieces.length === 0 && token.spaceBefore });
      current = "";
    }
    current += character;
  }
  if (current) pieces.push({ text: current, spaceBefore: pieces.length === 0 && token.spaceBefore });
  return pieces;
}

/** Wraps text greedily into lines no wider than `maxWidth` columns. */
export function wrapCaptionText(text: string, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const token of tokenize(text).flatMap((t) => (displayWidth(t.text) > maxWidth ? splitLongToken(t, maxWidth) : [t]))) {
    const candidate = line && token.spaceBefore ? `${line} ${token.text}` : line + token.text;
    if (line && displayWidth(candidate) > maxWidth) {
      lines.push(line);
      line = token.text;
    } else {
      line = candidate;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * Wraps a sentence for captions. A sentence that needs more than one cue is
 * rewrapped at the narrowest width that still fits in the same number of
 * cues, so its cues get lines of similar length instead of a short orphan.
 */
function layoutSentence(text: string, maxLineWidth: number, maxLines: number): string[] {
  const lines = wrapCaptionText(text, maxLineWidth);
  if (lines.length <= maxLines) return lines;

  const maxTotalLines = Math.ceil(lines.length / maxLines) * maxLines;
  let low = 1;
  let high = maxLineWidth;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (wrapCaptionText(text, middle).length <= maxTotalLines) high = middle;
    else low = middle + 1;
  }
  return wrapCaptionText(text, low);
}

function countVisibleCharacters(lines: readonly string[]): number {
  return lines.reduce((sum, line) => sum + [...line.replace(/\s/gu, "")].length, 0);
}

/**
 * Builds cues for sentences spoken at `timings`, shifted by `offsetSeconds`.
 * Concatenate the cues of consecutive scenes (each with its scene's offset)
 * to caption a whole chapter.
 */
export function buildCaptionCues(timings: readonly SentenceTiming[], options: CaptionOptions = {}): CaptionCue[] {
  const maxLineWidth = options.maxLineWidth ?? DEFAULT_MAX_LINE_WIDTH;
  const maxLines = options.maxLines ?? DEFAULT_MAX_LINES;
  const offset = options.offsetSeconds ?? 0;
  if (!Number.isInteger(maxLineWidth) || maxLineWidth < 1 || !Number.isInteger(maxLines) || maxLines < 1) {
    throw new RangeError(`invalid caption layout ${maxLineWidth} columns x ${maxLines} lines; expected positive integers`);
  }

  const cues: CaptionCue[] = [];
  for (const timing of timings) {
    const lines = layoutSentence(timing.text, maxLineWidth, maxLines);
    const groups: string[][] = [];
    for (let i = 0; i < lines.length; i += maxLines) groups.push(lines.slice(i, i + maxLines));

    const totalCharacters = countVisibleCharacters(lines);
    const span = timing.endSeconds - timing.startSeconds;
    let charactersBefore = 0;
    groups.forEach((group, index) => {
      const startSeconds = timing.startSeconds + (span * charactersBefore) / totalCharacters;
      charactersBefore += countVisibleCharacters(group);
      // The last cue ends exactly at the sentence end, free of rounding drift.
      const endSeconds =
        index === groups.length - 1 ? timing.endSeconds : timing.startSeconds + (span * charactersBefore) / totalCharacters;
      cues.push({ startSeconds: startSeconds + offset, endSeconds: endSeconds + offset, lines: group });
    });
  }
  return cues;
}

/** Formats seconds as `HH:MM:SS<separator>mmm`, rounded to the nearest millisecond; hours grow past two digits if needed. */
function formatTimestamp(seconds: number, separator: "," | "."): string {
  const totalMs = Math.max(0, Math.round(seconds * 1000));
  const ms = totalMs % 1000;
  const totalSeconds = Math.floor(totalMs / 1000);
  const hh = String(Math.floor(totalSeconds / 3600)).padStart(2, "0");
  const mm = String(Math.floor(totalSeconds / 60) % 60).padStart(2, "0");
  const ss = String(totalSeconds % 60).padStart(2, "0");
  return `${hh}:${mm}:${ss}${separator}${String(ms).padStart(3, "0")}`;
}

/** Formats an SRT timestamp, `HH:MM:SS,mmm`. */
export function formatSrtTimestamp(seconds: number): string {
  return formatTimestamp(seconds, ",");
}

/** Formats a WebVTT timestamp, `HH:MM:SS.mmm`. */
export function formatVttTimestamp(seconds: number): string {
  return formatTimestamp(seconds, ".");
}

/** Replaces `-->` in cue text with `->`, because players read a line containing `-->` as a timing line. */
function safeCueLine(line: string): string {
  return line.replaceAll("-->", "->");
}

/** Formats cues as an SRT file, numbered from 1. */
export function formatSrt(cues: readonly CaptionCue[]): string {
  return cues
    .map(
      (cue, index) =>
        `${index + 1}\n${formatSrtTimestamp(cue.startSeconds)} --> ${formatSrtTimestamp(cue.endSeconds)}\n` +
        `${cue.lines.map(safeCueLine).join("\n")}\n`,
    )
    .join("\n");
}

function escapeVttText(line: string): string {
  return safeCueLine(line).replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** Formats cues as a WebVTT file; `&`, `<` and `>` in the text are escaped as WebVTT requires. */
export function formatWebVtt(cues: readonly CaptionCue[]): string {
  const body = cues
    .map(
      (cue) =>
        `${formatVttTimestamp(cue.startSeconds)} --> ${formatVttTimestamp(cue.endSeconds)}\n` +
        `${cue.lines.map(escapeVttText).join("\n")}\n`,
    )
    .join("\n");
  return `WEBVTT\n\n${body}`;
}

function parseSrtTimestamp(text: string): number {
  const match = /^(\d{2,}):(\d{2}):(\d{2}),(\d{3})$/.exec(text.trim());
  if (!match) throw new SyntaxError(`invalid SRT timestamp ${JSON.stringify(text)}; expected HH:MM:SS,mmm`);
  const [, hh, mm, ss, ms] = match.map(Number) as [number, number, number, number, number];
  return hh * 3600 + mm * 60 + ss + ms / 1000;
}

/** Parses SRT text back into cues (times in whole milliseconds). */
export function parseSrt(text: string): CaptionCue[] {
  const blocks = text.replaceAll("\r\n", "\n").trim().split(/\n{2,}/);
  return blocks
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const [, timing = "", ...lines] = block.split("\n");
      const [start = "", end = ""] = timing.split(" --> ");
      return { startSeconds: parseSrtTimestamp(start), endSeconds: parseSrtTimestamp(end), lines };
    });
}
