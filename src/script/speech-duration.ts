/**
 * Narration length estimates. Spaced scripts are counted in words; Chinese
 * and Japanese, written without spaces, are counted in characters.
 */

/**
 * Han or kana characters spoken in the time of one English word. 1.7 makes
 * 160 words per minute equal 4.5 characters per second, a typical rate for
 * read-aloud Mandarin (an estimate, not a measurement of our TTS voice).
 */
export const CHARACTERS_PER_WORD = 1.7;

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
