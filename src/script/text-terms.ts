/**
 * Index terms of a sentence for similarity and salience. Words of spaced
 * scripts are lowercased, stripped of a plural or possessive "s" and filtered
 * against English function words; Han and kana runs, which have no spaces,
 * become overlapping character bigrams.
 */

/** A term and the form it had in the text, kept so titles can show "Holmes" rather than "holmes". */
export interface Term {
  term: string;
  surface: string;
}

const UNSPACED_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+/u;
const TOKEN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+|(?:(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])[\p{L}\p{N}\p{M}])+(?:['’](?:(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])\p{L})+)*/gu;

// Written for this project: English function words and narration fillers that carry no topic.
const ENGLISH_STOPWORDS = new Set(
  `a about above after again against all almost also although am among an and any are aren't as at
  be because been before being below between both but by can can't cannot could couldn't did didn't do does doesn't
  doing don't down during each either else enough even ever every few for from further had hadn't has hasn't have
  haven't having he he'd he'll he's her here here's hers herself him himself his how how's however i i'd i'll i'm
  i've if in into is isn't it it's its itself just least less let let's like made make many may me might mine more
  most much must mustn't my myself neither never no nor not now of off often on once one only or other ought our
  ours ourselves out over own perhaps quite rather really said same say says shall shan't she she'd she'll she's
  should shouldn't since so some still such than that that's the their theirs them themselves then there there's
  these they they'd they'll they're they've this those though through thus to too toward towards under until up
  upon us very was wasn't we we'd we'll we're we've well were weren't what what's when when's where where's whether
  which while who who's whom whose why why's will with within without won't would wouldn't yet you you'd you'll
  you're you've your yours yourself yourselves thee thou thy thine ye hath doth shalt unto whilst
  mr mrs ms dr st sir`.split(/\s+/),
);

// Single Han characters that are grammar rather than topic; bigrams keep them, because a bigram carries meaning.
const HAN_FUNCTION_CHARACTERS = new Set([..."之乎者也的了是不在有我你他她它們这這那个個一也又和與及而但就都把被將所以於于此其"]);

function normaliseWord(word: string): string {
  let term = word.toLowerCase().replace(/’/g, "'");
  term = term.replace(/'s$/, "");
  if (term.length > 4 && term.endsWith("ies")) return `${term.slice(0, -3)}y`;
  if (term.length > 3 && term.endsWith("s") && !/(?:ss|us|is)$/.test(term)) return term.slice(0, -1);
  return term;
}

function unspacedTerms(run: string): Term[] {
  const characters = [...run];
  if (characters.length === 1) {
    const character = characters[0]!;
    return HAN_FUNCTION_CHARACTERS.has(character) ? [] : [{ term: character, surface: character }];
  }
  const bigrams: Term[] = [];
  for (let index = 0; index + 1 < characters.length; index++) {
    const bigram = characters[index]! + characters[index + 1]!;
    bigrams.push({ term: bigram, surface: bigram });
  }
  return bigrams;
}

/** Extracts index terms from `text`, in order, with repeats. */
export function extractTerms(text: string): Term[] {
  const terms: Term[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const token = match[0];
    if (UNSPACED_RUN.test(token)) {
      terms.push(...unspacedTerms(token));
      continue;
    }
    const lower = token.toLowerCase().replace(/’/g, "'");
    if (ENGLISH_STOPWORDS.has(lower)) continue;
    if (/^\p{N}+$/u.test(token) && token.length < 3) continue;
    const term = normaliseWord(token);
    if ([...term].length < 2 || ENGLISH_STOPWORDS.has(term)) continue;
    terms.push({ term, surface: token.replace(/['’]s$/, "") });
  }
  return terms;
}

/** Returns true when `text` contains Han ideographs or kana, which are counted and joined per character. */
export function containsUnspacedScript(text: string): boolean {
  return UNSPACED_RUN.test(text);
}
