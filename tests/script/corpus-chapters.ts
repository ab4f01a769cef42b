/**
 * Chapters cut from the shared test corpus by their headings, with the offset
 * of each chapter body in the whole document.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import iconv from "iconv-lite";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const corpusDir = path.resolve(repoRoot, "../shared/corpus");

/** A chapter body and where it sits in `document`. */
export interface CorpusChapter {
  title: string;
  language: string;
  document: string;
  text: string;
  textOffset: number;
}

/** Cuts the body between the line matching `startHeading` and the line matching `nextHeading`. */
function chapterBetween(document: string, startHeading: RegExp, nextHeading: RegExp): { text: string; textOffset: number } {
  const start = startHeading.exec(document);
  if (!start) throw new Error(`heading ${startHeading} not found in corpus document`);
  const textOffset = document.indexOf("\n", start.index) + 1;
  const next = nextHeading.exec(document.slice(textOffset));
  if (!next) throw new Error(`heading ${nextHeading} not found after ${startHeading}`);
  return { text: document.slice(textOffset, textOffset + next.index), textOffset };
}

/** Chapter 1 of The Hound of the Baskervilles (markdown, mixed LF and CRLF). */
export function houndChapterOne(): CorpusChapter {
  const document = readFileSync(path.join(corpusDir, "hound-of-the-baskervilles.md"), "utf8");
  return { title: "Mr. Sherlock Holmes", language: "en", document, ...chapterBetween(document, /^##\s+Chapter 1\./m, /^##\s+Chapter 2\./m) };
}

/** Letter 1 of Frankenstein (Windows-1252, CRLF, hard-wrapped). */
export function frankensteinLetterOne(): CorpusChapter {
  const document = iconv.decode(readFileSync(path.join(corpusDir, "frankenstein-gutenberg.txt")), "win1252");
  return { title: "Letter 1", language: "en", document, ...chapterBetween(document, /^Letter 1\r?$/m, /^Letter 2\r?$/m) };
}

/** Chapter 1 of Journey to the West (Traditional Chinese, hard-wrapped every ~36 characters). */
export function journeyChapterOne(): CorpusChapter {
  const document = readFileSync(path.join(corpusDir, "journey-to-the-west-zh.txt"), "utf8");
  return { title: "第一回 靈根育孕源流出", language: "zh-Hant", document, ...chapterBetween(document, /^第一回/m, /^第二回/m) };
}

/** The INSTALLATION section of the yt-dlp README: markdown with tables, code, links and badges. */
export function ytDlpInstallation(): CorpusChapter {
  const document = readFileSync(path.join(corpusDir, "yt-dlp-readme.md"), "utf8");
  return { title: "Installation", language: "en", document, ...chapterBetween(document, /^# INSTALLATION/m, /^# USAGE AND OPTIONS/m) };
}
