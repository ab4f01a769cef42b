import { describe, expect, it } from "vitest";
import { EspeakTtsAdapter } from "../../../src/adapters/tts/espeak.js";
import { isEspeakVoice } from "../../../src/adapters/tts/espeak-voices.js";

describe("voiceFor", () => {
  const adapter = new EspeakTtsAdapter();

  it.each([
    ["en", "en-us"],
    ["en-US", "en-us"],
    ["en-GB", "en-gb"],
    ["en-AU", "en-us"],
    ["zh", "cmn"],
    ["zh-CN", "cmn"],
    ["zh-Hant", "cmn"],
    ["zh-HK", "yue"],
    ["fr", "fr-fr"],
    ["fr-CA", "fr-fr"],
    ["fr-BE", "fr-be"],
    ["de", "de"],
    ["de-AT", "de"],
    ["es", "es"],
    ["es-ES", "es"],
    ["es-MX", "es-419"],
    ["pt", "pt"],
    ["pt_BR", "pt-br"],
    ["ja", "ja"],
    ["ru", "ru"],
    ["no", "nb"],
    [" IT ", "it"],
    ["tlh", "en-us"],
    ["", "en-us"],
  ])("maps %j to %s", (language, voice) => {
    expect(adapter.voiceFor(language)).toBe(voice);
  });
});

describe("isEspeakVoice", () => {
  const cases: [string, boolean][] = [
    ["en-us", true],
    ["cmn", true],
    ["en-us+f3", true],
    ["EN-GB", true],
    ["no-such-voice", false],
    ["", false],
  ];
  for (const [voice, expected] of cases) {
    it(`reports ${JSON.stringify(voice)} as ${expected ? "known" : "unknown"}`, () => {
      expect(isEspeakVoice(voice)).toBe(expected);
    });
  }
});
