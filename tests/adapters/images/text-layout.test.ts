import { describe, expect, it } from "vitest";
import {
  ELLIPSIS,
  ellipsize,
  fitText,
  tokenize,
  wrapText,
  type FontSpec,
  type MeasureText,
} from "../../../src/adapters/images/text-layout.js";

/** Every character is as wide as the font size, like a monospaced face. */
const monospace: MeasureText = (text, font) => [...text].length * font.sizePx;
const tenPx: FontSpec = { sizePx: 10, weight: 400 };

describe("tokenize", () => {
  it("splits Latin text into words and single spaces", () => {
    expect(tokenize("  two   words ")).toEqual(["two", " ", "words"]);
  });

  it("splits Chinese text into single characters", () => {
    expect(tokenize("花果山")).toEqual(["花", "果", "山"]);
  });

  it("keeps closing punctuation with the character before it", () => {
    expect(tokenize("石猴，出世。")).toEqual(["石", "猴，", "出", "世。"]);
  });

  it("keeps opening punctuation with the character after it", () => {
    expect(tokenize("曰「善")).toEqual(["曰", "「善"]);
  });

  it("separates Latin words from adjacent Chinese characters", () => {
    expect(tokenize("Mixed文字text")).toEqual(["Mixed", "文", "字", "text"]);
  });
});

describe("wrapText", () => {
  it("breaks Latin text between words", () => {
    expect(wrapText("one two three four", 90, tenPx, monospace)).toEqual(["one two", "three", "four"]);
  });

  it("breaks Chinese text between characters", () => {
    expect(wrapText("一二三四五六七", 30, tenPx, monospace)).toEqual(["一二三", "四五六", "七"]);
  });

  it("never starts a line with a closing comma", () => {
    const lines = wrapText("一二三，四五", 30, tenPx, monospace);
    expect(lines.some((line) => line.startsWith("，"))).toBe(false);
  });

  it("hyphenates a word wider than the line", () => {
    const lines = wrapText("abcdefghij", 50, tenPx, monospace);
    expect(lines).toEqual(["abcd-", "efgh-", "ij"]);
  });

  it("fits every line of a 200-character word", () => {
    const lines = wrapText("x".repeat(200), 120, tenPx, monospace);
    expect(Math.max(...lines.map((line) => monospace(line, tenPx)))).toBeLessThanOrEqual(120);
  });

  it("keeps every character of a hyphenated word", () => {
    const lines = wrapText("x".repeat(200), 120, tenPx, monospace);
    expect(lines.join("").replaceAll("-", "")).toBe("x".repeat(200));
  });

  it("returns no lines for blank text", () => {
    expect(wrapText("   ", 100, tenPx, monospace)).toEqual([]);
  });
});

describe("ellipsize", () => {
  it("returns text that fits unchanged", () => {
    expect(ellipsize("short", 100, tenPx, monospace)).toBe("short");
  });

  it("cuts text that does not fit and appends an ellipsis", () => {
    expect(ellipsize("a long title", 60, tenPx, monospace)).toBe(`a lon${ELLIPSIS}`);
  });

  it("drops trailing spaces before the ellipsis", () => {
    expect(ellipsize("ab cd", 40, tenPx, monospace)).toBe(`ab${ELLIPSIS}`);
  });
});

describe("fitText", () => {
  const options = { maxWidth: 100, maxLines: 2, maxSizePx: 20, minSizePx: 10, weight: 400 as const };

  it("keeps the maximum size when the text fits", () => {
    expect(fitText("fits", options, monospace).font.sizePx).toBe(20);
  });

  it("shrinks the font until the text fits the line limit", () => {
    const fitted = fitText("aaaa bbbb cccc", options, monospace);
    expect(fitted.lines.length).toBeLessThanOrEqual(2);
  });

  it("uses a size between the limits when shrinking suffices", () => {
    const fitted = fitText("aaaa bbbb cccc", options, monospace);
    expect(fitted.font.sizePx).toBeLessThan(20);
  });

  it("truncates at the minimum size when shrinking is not enough", () => {
    const fitted = fitText("word ".repeat(40), options, monospace);
    expect(fitted.truncated).toBe(true);
  });

  it("ends truncated text with an ellipsis", () => {
    const fitted = fitText("word ".repeat(40), options, monospace);
    expect(fitted.lines.at(-1)?.endsWith(ELLIPSIS)).toBe(true);
  });

  it("keeps truncated lines within the width", () => {
    const fitted = fitText("word ".repeat(40), options, monospace);
    expect(Math.max(...fitted.lines.map((line) => monospace(line, fitted.font)))).toBeLessThanOrEqual(100);
  });

  it("caps the line count by the available height", () => {
    const fitted = fitText("word ".repeat(40), { ...options, maxLines: 10, maxHeight: 36, lineHeightRatio: 1.2 }, monospace);
    expect(fitted.lines.length).toBe(3);
  });
});
