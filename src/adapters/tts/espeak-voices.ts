/**
 * Maps BCP 47 language tags to espeak-ng voice names.
 *
 * The set below is the Language column of `espeak-ng --voices` from the npm
 * `espeak-ng` 1.0.2 WebAssembly build; Debian's espeak-ng 1.51 lists the same
 * names except `mto` and `ru-cl`.
 */

/** Voice used when a language has no espeak-ng voice. */
export const DEFAULT_ESPEAK_VOICE = "en-us";

const ESPEAK_VOICE_LANGUAGES: ReadonlySet<string> = new Set(
  (
    "af am an ar as az ba be bg bn bpy bs ca chr-us-qaaa-x-west cmn cmn-latn-pinyin cs cv cy da de el " +
    "en-029 en-gb en-gb-scotland en-gb-x-gbclan en-gb-x-gbcwmd en-gb-x-rp en-us en-us-nyc eo es es-419 et eu " +
    "fa fa-latn fi fr-be fr-ch fr-fr ga gd gn grc gu hak haw he hi hr ht hu hy hyw ia id io is it ja jbo ka kk " +
    "kl kn ko kok ku ky la lb lfn lt ltg lv mi mk ml mr ms mt mto my nb nci ne nl nog om or pa pap piqd pl pt " +
    "pt-br py qdb qu quc qya ro ru ru-cl ru-lv sd shn si sjn sk sl smj sq sr sv sw ta te th tk tn tr tt ug uk " +
    "ur uz vi vi-vn-x-central vi-vn-x-south yue"
  ).split(" "),
);

/**
 * Returns true when espeak-ng has the voice, with or without a variant
 * suffix such as `en-us+f3`. espeak-ng itself falls back to its default voice
 * for an unknown name in SSML input, so callers check names here first.
 */
export function isEspeakVoice(voice: string): boolean {
  const [language] = voice.toLowerCase().split("+");
  return language !== undefined && ESPEAK_VOICE_LANGUAGES.has(language);
}

/** Tags whose voice is not simply the tag itself or its primary language subtag. */
const VOICE_BY_TAG: Readonly<Record<string, string>> = {
  en: "en-us",
  zh: "cmn",
  "zh-cn": "cmn",
  "zh-sg": "cmn",
  "zh-tw": "cmn",
  "zh-hans": "cmn",
  "zh-hant": "cmn",
  "zh-hk": "yue",
  "zh-mo": "yue",
  "zh-yue": "yue",
  "zh-cmn": "cmn",
  fr: "fr-fr",
  "fr-ca": "fr-fr",
  no: "nb",
  nn: "nb",
  iw: "he",
  in: "id",
};

/**
 * Picks the espeak-ng voice for a BCP 47 tag such as `en`, `zh-CN` or
 * `pt-BR`: the tag itself when espeak-ng has it, else its primary language,
 * else `en-us`.
 */
export function espeakVoiceFor(language: string): string {
  const tag = language.trim().toLowerCase().replaceAll("_", "-");
  const primary = tag.split("-")[0] ?? "";

  const special = VOICE_BY_TAG[tag];
  if (special) return special;
  if (ESPEAK_VOICE_LANGUAGES.has(tag)) return tag;
  // Spanish outside Spain is closer to the Latin American voice.
  if (primary === "es" && tag !== "es-es") return "es-419";

  const byPrimary = VOICE_BY_TAG[primary];
  if (byPrimary) return byPrimary;
  if (ESPEAK_VOICE_LANGUAGES.has(primary)) return primary;
  return DEFAULT_ESPEAK_VOICE;
}
