import { describe, expect, it } from "vitest";
import { withoutChapterNumber } from "../../src/nodes/render-slides.js";

describe("withoutChapterNumber", () => {
  const cases: [string, string][] = [
    ["Chapter 1. Reading the Tide Table", "Reading the Tide Table"],
    ["CHAPTER IV: The Moor", "The Moor"],
    ["Chapter 12 \u2014 Death on the Moor", "Death on the Moor"],
    ["Chapter 3", "Chapter 3"],
    ["Letter 1", "Letter 1"],
    ["Chapters of the Sea", "Chapters of the Sea"],
  ];
  for (const [title, expected] of cases) {
    it(`turns "${title}" into "${expected}"`, () => {
      expect(withoutChapterNumber(title)).toBe(expected);
    });
  }
});
