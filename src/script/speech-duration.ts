/**
 * Narration length estimates. Spaced scripts are counted in words; Chinese
 * and Japanese, written without spaces, are counted in characters.
 */

/**
 * Han or kana characters spoken in the time of one English word. espeak-ng's
 * `cmn` voice at 165 words per minute spoke 505 characters of Journey to the
 * West at 2.3 characters per second (Debian's espeak-ng 1.51) and 3.2 (the npm
 * WebAssembly build). 0.85 matches the slower one, so a script sized for
 * `--max-seconds` stays within it on either engine.
 */
export const CHARACTERS_PER_WORD = 0.85;

const UNSPACED_CHARACTER = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu;
const WORD =
  /(?:(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])[\p{L}\p{N}])+(?:['’](?:(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])\p{L})+)*/gu;

/** Counts speech in word units: words of spaced scripts plus Han and kana characters divided by `CHARACTERS_PER_WORD`. */
export function countSpeechWords(text: string): number {
  const characters = text.match(UNSPACED_CHARACTER)?.length ?? 0;
  const words = text.match(WORD)?.length ?? 0;
  return words + characters / CHARACTERS_PER_WORD;
}

/** Estimates how long `text` takes to say at `wordsPerMinute`, in seconds. */
export function estimateSpeechSeconds(text: string, wordsPerMinute: number): number {
  return (countSpeechWords(text) / wordsPerMinute) * 60;
}
