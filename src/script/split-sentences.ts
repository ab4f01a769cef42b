/**
 * Sentence splitting with exact source offsets.
 *
 * `Intl.Segmenter` (ICU sentence rules) does the first cut inside each
 * paragraph. Its rules break after every "Mr." and "J.", split quoted speech
 * in the middle, and treat a hard line wrap as a paragraph end, so the
 * segments are joined again where those rules are wrong for narration.
 */
import { cleanForSpeech, isSpeakable } from "./clean-for-speech.js";
import { partitionBlocks } from "./text-blocks.js";

export { cleanForSpeech, isSpeakable } from "./clean-for-speech.js";

/** A sentence of the source: `source.slice(start, end) === text`, trimmed of surrounding whitespace. */
export interface SourceSentence {
  text: string;
  start: number;
  end: number;
  /** "heading" for a markdown heading line; such lines are titles, not narration. */
  kind: "sentence" | "heading";
}

interface Span {
  start: number;
  end: number;
}

/** Titles and abbreviations that end in a period but almost never end a sentence. */
const ABBREVIATION_AT_END =
  /(?:^|[\s("'“‘])(?:Mr|Mrs|Ms|Mme|Mlle|Messrs|Dr|St|Prof|Rev|Revd|Sr|Jr|Capt|Col|Gen|Lt|Sgt|Maj|Mt|Hon|Gov|Fr|Bros|Fig|Figs|Vol|Vols|Ch|vs|viz|cf|approx|e\.g|i\.e)\.$/i;
/** A single capital initial such as the "J." of "J. R. R. Tolkien"; "I." is left out because "said I." ends sentences. */
const INITIAL_AT_END = /(?:^|[\s.("'“‘])(?!I\.)\p{Lu}\.$/u;
/** "No." before a number ("No. 7") is an abbreviation; alone it is usually a reply in dialogue. */
const NUMBER_ABBREVIATION_AT_END = /(?:^|[\s("'“‘])(?:No|Nos|pp?)\.$/i;

const OPENING_PUNCTUATION = /^[\s"'“‘«「『([{*_]*/u;
const HAN_OR_KANA = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/** A quote merge never grows a sentence beyond this many UTF-16 units; longer speeches keep their inner splits. */
const MAX_QUOTE_MERGE_CHARS = 320;
const MAX_QUOTE_MERGE_CHARS_CJK = 160;

const segmenters = new Map<string, Intl.Segmenter>();

function segmenterFor(language: string): Intl.Segmenter {
  let locale = "en";
  try {
    locale = Intl.Segmenter.supportedLocalesOf([language])[0] ?? "en";
  } catch {
    // An invalid language tag falls back to English rules; the text is still split at . ! ? and 。！？.
  }
  let segmenter = segmenters.get(locale);
  if (!segmenter) {
    segmenter = new Intl.Segmenter(locale, { granularity: "sentence" });
    segmenters.set(locale, segmenter);
  }
  return segmenter;
}

/**
 * Returns a copy of `paragraph` with the same length in which line breaks are
 * spaces and URLs and inline code are capital X's. ICU then ends no sentence
 * at a wrapped line or at the "?" inside a link. The capitals keep a URL on
 * its own line from reading as a lowercase continuation.
 */
function segmentationView(paragraph: string): string {
  const mask = (match: string): string => "X".repeat(match.length);
  return paragraph
    .replace(/[\r\n\t]/g, " ")
    .replace(/(`+)[\s\S]*?\1/g, mask)
    .replace(/\]\([^)\s]*\)/g, mask)
    .replace(/\b(?:https?|ftp):\/\/\S+/gi, mask)
    .replace(/\bwww\.[^\s)]+/gi, mask);
}

function firstWordCharacter(text: string): string {
  return text.replace(OPENING_PUNCTUATION, "").charAt(0);
}

/** Returns true when ICU's break between `previous` and `next` is a false sentence end. */
function continuesSentence(previous: string, next: string): boolean {
  const before = previous.trimEnd();
  const nextStart = firstWordCharacter(next);
  if (ABBREVIATION_AT_END.test(before)) return true;
  if (NUMBER_ABBREVIATION_AT_END.test(before) && /^\p{N}/u.test(nextStart)) return true;
  if (INITIAL_AT_END.test(before) && /^\p{Lu}/u.test(nextStart)) return true;
  // `"Good!" said Holmes.`: a lowercase word after the break continues the sentence.
  if (/^\p{Ll}/u.test(nextStart)) return true;
  // Closing punctuation split off from the sentence it belongs to.
  return /^\s*[,;:)\]」』”’»]/u.test(next);
}

/** Returns true when `text` leaves a quotation open: an odd number of `"`, or more opening than closing curly or CJK quotes. */
function leavesQuoteOpen(text: string): boolean {
  const straight = text.match(/"/g)?.length ?? 0;
  const opening = text.match(/[“「『«]/g)?.length ?? 0;
  const closing = text.match(/[”」』»]/g)?.length ?? 0;
  return straight % 2 === 1 || opening > closing;
}

/** Opening brackets and quotes that ICU can leave at the end of a sentence, as in "堅實。《". */
const TRAILING_OPENERS = /[《〈「『“‘（(［[【〔]+\s*$/u;

/** Moves opening brackets and quotes from the end of a span to the start of the span they open. */
function moveTrailingOpeners(source: string, spans: Span[]): Span[] {
  for (let index = 0; index + 1 < spans.length; index++) {
    const span = spans[index]!;
    const openers = TRAILING_OPENERS.exec(source.slice(span.start, span.end));
    if (!openers || openers.index === 0) continue;
    const cut = span.start + openers.index;
    span.end = cut;
    spans[index + 1]!.start = cut;
  }
  return spans;
}

/** Joins sentences that ICU split inside one quotation, when the quotation closes within the size limit. */
function joinQuotations(source: string, spans: Span[]): Span[] {
  const joined: Span[] = [];
  let index = 0;
  while (index < spans.length) {
    const first = spans[index]!;
    let mergedCount = 1;
    if (leavesQuoteOpen(source.slice(first.start, first.end))) {
      const limit = HAN_OR_KANA.test(source.slice(first.start, first.end)) ? MAX_QUOTE_MERGE_CHARS_CJK : MAX_QUOTE_MERGE_CHARS;
      for (let last = index + 1; last < spans.length; last++) {
        const end = spans[last]!.end;
        if (end - first.start > limit) break;
        if (!leavesQuoteOpen(source.slice(first.start, end))) {
          mergedCount = last - index + 1;
          break;
        }
      }
    }
    joined.push({ start: first.start, end: spans[index + mergedCount - 1]!.end });
    index += mergedCount;
  }
  return joined;
}

function splitParagraph(source: string, start: number, end: number, segmenter: Intl.Segmenter): Span[] {
  const view = segmentationView(source.slice(start, end));
  const viewOf = (span: Span): string => view.slice(span.start - start, span.end - start);
  const spans: Span[] = [];
  for (const segment of segmenter.segment(view)) {
    const span = { start: start + segment.index, end: start + segment.index + segment.segment.length };
    const previous = spans.at(-1);
    if (previous && continuesSentence(viewOf(previous), viewOf(span))) {
      previous.end = span.end;
    } else {
      spans.push(span);
    }
  }
  return joinQuotations(source, moveTrailingOpeners(source, spans));
}

function trimSpan(source: string, span: Span): Span {
  let { start, end } = span;
  while (start < end && /\s/.test(source[start]!)) start++;
  while (end > start && /\s/.test(source[end - 1]!)) end--;
  return { start, end };
}

/**
 * Splits `text` into sentences with exact offsets. Code blocks, tables and
 * HTML comments are left out, and so are sentences that `cleanForSpeech`
 * leaves without words (only code, URLs or symbols). Headings come back with
 * kind "heading".
 */
export function splitSentences(text: string, language: string): SourceSentence[] {
  const segmenter = segmenterFor(language);
  const sentences: SourceSentence[] = [];

  for (const block of partitionBlocks(text)) {
    const spans = block.kind === "heading" ? [block] : splitParagraph(text, block.start, block.end, segmenter);
    for (const span of spans) {
      const { start, end } = trimSpan(text, span);
      if (start === end) continue;
      const sentence = text.slice(start, end);
      if (!isSpeakable(cleanForSpeech(sentence))) continue;
      sentences.push({ text: sentence, start, end, kind: block.kind === "heading" ? "heading" : "sentence" });
    }
  }
  return sentences;
}
