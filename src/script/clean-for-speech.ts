/**
 * Turns a source sentence into the words a narrator speaks: markdown
 * markers, links, images, code and URLs are removed, and line breaks from
 * hard-wrapped text are joined the way the script needs them.
 */

/** Han ideographs, kana and CJK punctuation: scripts written without spaces between words. */
const UNSPACED_CHARACTER = String.raw`[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef\ufe30-\ufe6f]`;

const SPACE_BETWEEN_UNSPACED = new RegExp(`(${UNSPACED_CHARACTER})\\s+(?=${UNSPACED_CHARACTER})`, "gu");

/** Removes markdown, HTML, code and URLs from `sentence` and normalises its whitespace. */
export function cleanForSpeech(sentence: string): string {
  let speech = sentence;

  // Markup that carries no spoken words goes first, so later patterns do not see URLs or code.
  speech = speech.replace(/<!--[\s\S]*?(?:-->|$)/g, " ");
  speech = speech.replace(/!\[[^\]]*\]\([^)]*\)/g, " ");
  speech = speech.replace(/!\[[^\]]*\]\[[^\]]*\]/g, " ");
  speech = speech.replace(/(`+)[\s\S]*?\1/g, " ");
  speech = speech.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
  speech = speech.replace(/\[([^\]]+)\]\[[^\]]*\]/g, "$1");
  speech = speech.replace(/<\/?[A-Za-z][^>]*>/g, " ");
  speech = speech.replace(/\b(?:https?|ftp):\/\/\S+/gi, " ");
  speech = speech.replace(/\bwww\.[^\s)]+/gi, " ");

  // Block markers only count at the start of a line: a heading, a quote or a list bullet.
  speech = speech.replace(/^[ \t]*#{1,6}[ \t]+/gm, "");
  speech = speech.replace(/[ \t]+#+[ \t]*$/gm, "");
  speech = speech.replace(/^[ \t]*>[ \t]?/gm, "");
  speech = speech.replace(/^[ \t]*(?:[-*+•]|\d{1,3}[.)])[ \t]+/gm, "");

  speech = speech.replace(/(\*\*|__|~~)(?=\S)([\s\S]*?\S)\1/g, "$2");
  speech = speech.replace(/(^|[^\p{L}\p{N}*])\*(?=\S)([^*]*?\S)\*(?![\p{L}\p{N}])/gu, "$1$2");
  speech = speech.replace(/(^|[^\p{L}\p{N}_])_(?=\S)([^_]*?\S)_(?![\p{L}\p{N}])/gu, "$1$2");
  speech = speech.replace(/\\([\\`*_{}[\]()#+\-.!>])/g, "$1");

  speech = speech.replace(/\s+/g, " ");
  // Brackets emptied by the removals above ("use ( ) to update").
  speech = speech.replace(/\(\s*\)|\[\s*\]/g, " ").replace(/\s+/g, " ");
  // Hard-wrapped Chinese and Japanese lines must join without a space.
  speech = speech.replace(SPACE_BETWEEN_UNSPACED, "$1");
  speech = speech.replace(/\s+([,.;:!?])(?=\s|$)/g, "$1");
  return speech.trim();
}

/**
 * Returns true when cleaned text still has words to speak: at least two letters,
 * letters and digits make up at least 30% of it, and code-like symbols less than 15%.
 */
export function isSpeakable(cleaned: string): boolean {
  const letters = cleaned.match(/\p{L}/gu)?.length ?? 0;
  if (letters < 2) return false;
  const alphanumeric = cleaned.match(/[\p{L}\p{N}\p{M}]/gu)?.length ?? 0;
  const codeLike = cleaned.match(/[\p{S}{}[\]\\/_#@*&%=<>|~^$]/gu)?.length ?? 0;
  return alphanumeric / cleaned.length >= 0.3 && codeLike / cleaned.length < 0.15;
}
