import { describe, expect, it } from "vitest";
import { loadFontStack, parseUnicodeRange } from "../../../src/adapters/images/fonts.js";

describe("parseUnicodeRange", () => {
  it("parses single code points and ranges", () => {
    expect(parseUnicodeRange("U+0000-00FF,U+0131, U+1f1e9-1f1f5")).toEqual([
      [0x0000, 0x00ff],
      [0x0131, 0x0131],
      [0x1f1e9, 0x1f1f5],
    ]);
  });

  it("skips parts that are not ranges", () => {
    expect(parseUnicodeRange("U+0041,bogus")).toEqual([[0x41, 0x41]]);
  });
});

describe("loadFontStack", () => {
  it("uses only Inter for English text", () => {
    expect(loadFontStack("Plain English", "en").css(400, 20)).toBe('400 20.00px "Inter latin 400"');
  });

  it("puts Inter first and adds a Noto subset for Chinese in English text", () => {
    const css = loadFontStack("King 孫悟空", "en").css(700, 48);
    expect(css).toMatch(/^700 48\.00px "Inter latin 700", "Noto Sans SC \d+ 700"/);
  });

  it("puts Noto Sans SC first for Chinese", () => {
    expect(loadFontStack("花果山", "zh").css(400, 30)).toMatch(/^400 30\.00px "Noto Sans SC latin 400"/);
  });

  it("puts Noto Sans TC first for Traditional Chinese", () => {
    expect(loadFontStack("花果山", "zh-Hant").css(400, 30)).toMatch(/^400 30\.00px "Noto Sans TC latin 400"/);
  });

  it("adds Noto Sans TC for characters Noto Sans SC lacks", () => {
    expect(loadFontStack("蹌", "zh").css(400, 30)).toContain('"Noto Sans TC');
  });

  it("adds Inter's Cyrillic subset for Russian", () => {
    expect(loadFontStack("Москва", "ru").css(500, 30)).toContain('"Inter cyrillic 500"');
  });
});
