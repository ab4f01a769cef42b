import { describe, expect, it } from "vitest";
import { splitChapterLabel } from "../../src/nodes/render-slides.js";

describe("splitChapterLabel", () => {
  const cases: [string, { label?: string; title: string }][] = [
    ["Chapter 1. Reading the Tide Table", { label: "CHAPTER 1", title: "Reading the Tide Table" }],
    ["CHAPTER IV: The Moor", { label: "CHAPTER IV", title: "The Moor" }],
    ["Chapter 12 \u2014 Death on the Moor", { label: "CHAPTER 12", title: "Death on the Moor" }],
    ["Letter 3", { label: "LETTER 3", title: "Letter 3" }],
    ["Chapter 24", { label: "CHAPTER 24", title: "Chapter 24" }],
    ["Part 2 - The Plague", { label: "PART 2", title: "The Plague" }],
    ["Chapters of the Sea", { title: "Chapters of the Sea" }],
    ["Lenses and Lamps", { title: "Lenses and Lamps" }],
  ];
  for (const [title, expected] of cases) {
    it(`splits ${JSON.stringify(title)}`, () => {
      expect(splitChapterLabel(title)).toEqual(expected);
    });
  }
});
