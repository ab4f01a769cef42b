/**
 * A cheap language guess: the script of the letters decides for most scripts,
 * and for Latin script a count of very common words picks among a few
 * European languages. It is meant for choosing a voice and a font, not for
 * linguistics.
 */

/** Characters sampled from the start of the text. */
const SAMPLE_CHARS = 100_000;

/** Share of letters a script needs before it decides the language. */
const MIN_SCRIPT_SHARE = 0.3;

/** Share of Kana among CJK letters above which CJK text is Japanese rather than Chinese. */
const MIN_KANA_SHARE_FOR_JAPANESE = 0.05;

const SCRIPT_LANGUAGES: ReadonlyArray<{ pattern: RegExp; language: string }> = [
  { pattern: /\p{Script=Hangul}/u, language: "ko" },
  { pattern: /\p{Script=Cyrillic}/u, language: "ru" },
  { pattern: /\p{Script=Greek}/u, language: "el" },
  { pattern: /\p{Script=Arabic}/u, language: "ar" },
  { pattern: /\p{Script=Hebrew}/u, language: "he" },
  { pattern: /\p{Script=Thai}/u, language: "th" },
  { pattern: /\p{Script=Devanagari}/u, language: "hi" },
];

/** Frequent short words per language; the language with the most hits wins. */
const COMMON_WORDS: Readonly<Record<string, readonly string[]>> = {
  en: ["the", "and", "of", "to", "is", "was", "that", "with", "he", "it"],
  fr: ["le", "la", "les", "et", "est", "une", "dans", "que", "pas", "il"],
  de: ["der", "die", "und", "das", "ist", "nicht", "ein", "ich", "sie", "mit"],
  es: ["el", "los", "las", "y", "que", "una", "por", "con", "para", "del"],
  it: ["il", "di", "che", "non", "una", "per", "sono", "gli", "della", "è"],
  pt: ["o", "os", "que", "não", "uma", "com", "para", "do", "da", "em"],
  nl: ["de", "het", "een", "en", "van", "ik", "niet", "dat", "zijn", "met"],
};

/** Returns a BCP 47 primary language subtag guessed from the text, or `und` when it has no letters. */
export function guessLanguage(text: string): string {
  const sample = text.slice(0, SAMPLE_CHARS);
  const letters = sample.match(/\p{L}/gu) ?? [];
  if (letters.length === 0) {
    return "und";
  }

  const han = countMatching(letters, /\p{Script=Han}/u);
  const kana = countMatching(letters, /[\p{Script=Hiragana}\p{Script=Katakana}]/u);
  if ((han + kana) / letters.length >= MIN_SCRIPT_SHARE) {
    return kana / (han + kana) >= MIN_KANA_SHARE_FOR_JAPANESE ? "ja" : "zh";
  }

  for (const { pattern, language } of SCRIPT_LANGUAGES) {
    if (countMatching(letters, pattern) / letters.length >= MIN_SCRIPT_SHARE) {
      return language;
    }
  }
  return guessLatinLanguage(sample);
}

function countMatching(letters: readonly string[], pattern: RegExp): number {
  return letters.filter((letter) => pattern.test(letter)).length;
}

function guessLatinLanguage(sample: string): string {
  const counts = new Map<string, number>();
  for (const word of sample.toLowerCase().match(/\p{L}+/gu) ?? []) {
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }

  let bestLanguage = "en";
  let bestScore = 0;
  for (const [language, words] of Object.entries(COMMON_WORDS)) {
    const score = words.reduce((sum, word) => sum + (counts.get(word) ?? 0), 0);
    if (score > bestScore) {
      bestLanguage = language;
      bestScore = score;
    }
  }
  return bestLanguage;
}
