/**
 * Speaking many sentences in one espeak-ng run while keeping each sentence's
 * exact audio.
 *
 * The sentences go into one SSML document with a long `<break>` between
 * them. espeak-ng renders a break as exact digital zeros, while speech never
 * contains such a long zero run (at espeak-ng's slowest rate, 80 wpm, the
 * longest clause pause measured was about 1 s). Cutting the audio at those
 * runs gives back one clip per sentence. When the number of runs does not
 * match, for example because a sentence produced no sound, the caller speaks
 * the sentences one by one instead.
 */

/** Break placed between sentences; espeak-ng 1.51 and the npm 1.0.2 build render it as 3.0 s of zeros. */
export const MARKER_BREAK_SECONDS = 3;
/** Shortest zero run taken as a marker; well above speech pauses, below the break. */
export const MARKER_MIN_SILENCE_SECONDS = 2;

/** Escapes text for an SSML text node, so `<`, `&` and `>` are spoken rather than parsed. */
export function escapeSsmlText(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** Builds one SSML document that speaks `sentences` with a marker break between each pair. */
export function buildMarkedDocument(sentences: readonly string[]): string {
  const breakTag = `<break time="${MARKER_BREAK_SECONDS}s"/>`;
  return `<speak>${sentences.map(escapeSsmlText).join(` ${breakTag} `)}</speak>`;
}

/**
 * Splits sentence indices into consecutive groups whose text stays under
 * `maxChars` characters, so no single espeak-ng run gets an unbounded input.
 * A sentence longer than `maxChars` forms a group of its own.
 */
export function groupSentences(sentences: readonly string[], maxChars: number): number[][] {
  const groups: number[][] = [];
  let current: number[] = [];
  let currentChars = 0;
  sentences.forEach((sentence, index) => {
    if (current.length > 0 && currentChars + sentence.length > maxChars) {
      groups.push(current);
      current = [];
      currentChars = 0;
    }
    current.push(index);
    currentChars += sentence.length;
  });
  if (current.length > 0) groups.push(current);
  return groups;
}

/** Removes leading and trailing zero samples; returns an empty array for pure silence. */
export function trimSilence(samples: Int16Array): Int16Array {
  let start = 0;
  while (start < samples.length && samples[start] === 0) start += 1;
  let end = samples.length;
  while (end > start && samples[end - 1] === 0) end -= 1;
  return samples.subarray(start, end);
}

/**
 * Cuts audio spoken from `buildMarkedDocument` back into `parts` clips, each
 * trimmed of zero samples at both ends. Returns undefined when the marker
 * runs do not yield exactly `parts` non-empty clips.
 */
export function splitAtMarkers(samples: Int16Array, sampleRate: number, parts: number): Int16Array[] | undefined {
  const minRun = Math.round(MARKER_MIN_SILENCE_SECONDS * sampleRate);
  const clips: Int16Array[] = [];
  let clipStart = 0;
  let runStart = -1;

  for (let i = 0; i <= samples.length; i += 1) {
    const isZero = i < samples.length && samples[i] === 0;
    if (isZero) {
      if (runStart < 0) runStart = i;
      continue;
    }
    // Runs that touch either end of the audio are leading or trailing silence, not markers.
    const isMarker = runStart > 0 && i < samples.length && i - runStart >= minRun;
    if (isMarker) {
      clips.push(samples.subarray(clipStart, runStart));
      clipStart = i;
    }
    runStart = -1;
  }
  clips.push(samples.subarray(clipStart));

  const trimmed = clips.map(trimSilence);
  if (trimmed.length !== parts || trimmed.some((clip) => clip.length === 0)) return undefined;
  return trimmed;
}
