import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { findChapters } from "../../src/document/find-chapters.js";
import { readDocument, type ReadDocumentResult } from "../../src/document/read-document.js";
import type { ChapterPlan } from "../../src/state.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const corpus = path.resolve(repoRoot, "../shared/corpus");

function readCorpus(name: string): Promise<ReadDocumentResult> {
  return readDocument(path.join(corpus, name));
}

/** Asserts the range invariants every chapter list must satisfy. */
function expectValidRanges(text: string, chapters: readonly ChapterPlan[]): void {
  chapters.forEach((chapter, i) => {
    expect(chapter.index).toBe(i);
    expect(chapter.start).toBeGreaterThanOrEqual(0);
    expect(chapter.end).toBeLessThanOrEqual(text.length);
    expect(chapter.end).toBeGreaterThan(chapter.start);
    expect(text.slice(chapter.start, chapter.end).trim()).not.toBe("");
    const previous = chapters[i - 1];
    if (previous) {
      expect(chapter.start).toBeGreaterThanOrEqual(previous.end);
    }
  });
}

function bodyOf(text: string, chapter: ChapterPlan): string {
  return text.slice(chapter.start, chapter.end);
}

describe("findChapters on Hound of the Baskervilles", () => {
  let doc: ReadDocumentResult;
  let chapters: ChapterPlan[];

  beforeAll(async () => {
    doc = await readCorpus("hound-of-the-baskervilles.md");
    chapters = findChapters(doc.text, doc.format);
  });

  it("finds exactly 15 chapters", () => {
    expect(chapters).toHaveLength(15);
  });

  it("skips the title, author and year headings", () => {
    const titles = chapters.map((chapter) => chapter.title);
    expect(titles.some((title) => /Author|Year|Title/.test(title))).toBe(false);
  });

  it("titles the first and last chapters", () => {
    expect(chapters[0]?.title).toBe("Chapter 1. Mr. Sherlock Holmes");
    expect(chapters[14]?.title).toBe("Chapter 15. A Retrospection");
  });

  it("keeps a bracketed subtitle in the title", () => {
    expect(chapters[8]?.title).toBe("Chapter 9. The Light upon the Moor [Second Report of Dr. Watson]");
  });

  it("starts the first body after its heading", () => {
    expect(bodyOf(doc.text, chapters[0]!)).toMatch(/^Mr\. Sherlock Holmes, who was usually very late/);
  });

  it("marks chapters as found by heading", () => {
    expect(new Set(chapters.map((chapter) => chapter.source))).toEqual(new Set(["heading"]));
  });

  it("keeps ranges valid", () => {
    expectValidRanges(doc.text, chapters);
  });
});

describe("findChapters on Frankenstein", () => {
  let doc: ReadDocumentResult;
  let chapters: ChapterPlan[];

  beforeAll(async () => {
    doc = await readCorpus("frankenstein-gutenberg.txt");
    chapters = findChapters(doc.text, doc.format);
  });

  it("finds 4 letters and 24 chapters", () => {
    const expected = [
      ...[1, 2, 3, 4].map((n) => `Letter ${n}`),
      ...Array.from({ length: 24 }, (_, i) => `Chapter ${i + 1}`),
    ];
    expect(chapters.map((chapter) => chapter.title)).toEqual(expected);
  });

  it("ignores the table of contents", () => {
    expect(bodyOf(doc.text, chapters[0]!)).toMatch(/^_To Mrs\. Saville, England\._/);
  });

  it("keeps licence text out of every chapter", () => {
    const withLicence = chapters.filter((chapter) => /Project Gutenberg/i.test(bodyOf(doc.text, chapter)));
    expect(withLicence).toEqual([]);
  });

  it("ends the last chapter with the story", () => {
    expect(bodyOf(doc.text, chapters[27]!)).toMatch(/lost in darkness and distance\.$/);
  });

  it("marks chapters as found by chapter line", () => {
    expect(new Set(chapters.map((chapter) => chapter.source))).toEqual(new Set(["chapter-line"]));
  });

  it("keeps ranges valid", () => {
    expectValidRanges(doc.text, chapters);
  });
});

describe("findChapters on Journey to the West", () => {
  let doc: ReadDocumentResult;
  let chapters: ChapterPlan[];

  beforeAll(async () => {
    doc = await readCorpus("journey-to-the-west-zh.txt");
    chapters = findChapters(doc.text, doc.format);
  });

  it("finds 100 chapters", () => {
    expect(chapters).toHaveLength(100);
  });

  it("titles chapters with number and couplet", () => {
    expect(chapters[0]?.title).toBe("第一回 靈根育孕源流出 心性修持大道生");
    expect(chapters[99]?.title).toBe("第一○○回 徑回東土 五聖成真");
  });

  it("finds the indented chapter 83 line", () => {
    expect(chapters[82]?.title).toBe("第八三回 心猿識得丹頭 姹女還歸本性");
  });

  it("finds the mixed numeral chapter 87 line", () => {
    expect(chapters[86]?.title).toBe("第八十七回 鳳仙郡冒天止雨 孫大圣勸善施霖");
  });

  it("skips body lines that start with 第", () => {
    const titles = chapters.map((chapter) => chapter.title);
    expect(titles.some((title) => title.startsWith("第二的") || title.startsWith("第八個"))).toBe(false);
  });

  it("keeps ranges valid", () => {
    expectValidRanges(doc.text, chapters);
  });
});

describe("findChapters on Journal of the Plague Year", () => {
  let doc: ReadDocumentResult;
  let chapters: ChapterPlan[];

  beforeAll(async () => {
    doc = await readCorpus("plague-year-no-headings.md");
    chapters = findChapters(doc.text, doc.format);
  });

  it("cuts several chapters by length", () => {
    expect(chapters.length).toBeGreaterThanOrEqual(30);
    expect(new Set(chapters.map((chapter) => chapter.source))).toEqual(new Set(["length"]));
  });

  it("keeps chapters near the target length", () => {
    const lengths = chapters.map((chapter) => chapter.end - chapter.start);
    expect(Math.min(...lengths.slice(0, -1))).toBeGreaterThan(6_000);
    expect(Math.max(...lengths)).toBeLessThan(18_000);
  });

  it("cuts at paragraph boundaries", () => {
    for (const chapter of chapters.slice(1)) {
      expect(doc.text.slice(chapter.start - 2, chapter.start)).toBe("\n\n");
    }
  });

  it("starts after the metadata headings", () => {
    expect(bodyOf(doc.text, chapters[0]!)).toMatch(/^Being observations or memorials/);
  });

  it("titles parts with their opening words", () => {
    expect(chapters[0]?.title).toBe("Part 1: Being observations or memorials of the…");
    expect(chapters[1]?.title).toMatch(/^Part 2: \S/);
  });

  it("follows a smaller target", () => {
    const smaller = findChapters(doc.text, doc.format, { targetChapterChars: 4_000 });
    expect(smaller.length).toBeGreaterThan(chapters.length * 2);
  });

  it("keeps ranges valid", () => {
    expectValidRanges(doc.text, chapters);
  });
});

describe("findChapters on the yt-dlp README", () => {
  let doc: ReadDocumentResult;
  let chapters: ChapterPlan[];

  beforeAll(async () => {
    doc = await readCorpus("yt-dlp-readme.md");
    chapters = findChapters(doc.text, doc.format);
  });

  it("uses the top-level sections", () => {
    expect(chapters.map((chapter) => chapter.title)).toEqual([
      "Introduction",
      "INSTALLATION",
      "USAGE AND OPTIONS",
      "CONFIGURATION",
      "OUTPUT TEMPLATE",
      "FORMAT SELECTION",
      "MODIFYING METADATA",
      "EXTRACTOR ARGUMENTS",
      "PLUGINS",
      "EMBEDDING YT-DLP",
      "CHANGES FROM YOUTUBE-DL",
      "CONTRIBUTING",
      "WIKI",
    ]);
  });

  it("never splits on comments inside code fences", () => {
    const titles = chapters.map((chapter) => chapter.title);
    expect(titles).not.toContain("Always extract audio");
    expect(titles.some((title) => title.startsWith("Download"))).toBe(false);
  });

  it("keeps ranges valid", () => {
    expectValidRanges(doc.text, chapters);
  });
});

describe("findChapters on small Markdown", () => {
  it("skips a title heading over a short note", () => {
    const text = [
      "# Field Guide",
      "",
      "*A short note under the title.*",
      "",
      "## Chapter 1. Tides",
      "",
      "Tides rise and fall.",
      "",
      "## Chapter 2. Zones",
      "",
      "Barnacles live high.",
    ].join("\n");
    const chapters = findChapters(text, "markdown");
    expect(chapters.map((chapter) => chapter.title)).toEqual(["Chapter 1. Tides", "Chapter 2. Zones"]);
  });

  it("keeps a title heading over a long introduction", () => {
    const introduction = "An introduction that runs long enough to stand as a chapter. ".repeat(30);
    const text = ["# Field Guide", "", introduction, "", "## Tides", "", "Tides rise.", "", "## Zones", "", "Zones."].join("\n");
    const chapters = findChapters(text, "markdown");
    expect(chapters.map((chapter) => chapter.title)).toEqual(["Field Guide", "Tides", "Zones"]);
  });

  it("ignores # lines inside backtick and tilde fences", () => {
    const text = [
      "# One",
      "",
      "Text one.",
      "",
      "````sh",
      "# not a heading",
      "```",
      "# still code: a shorter fence does not close a longer one",
      "````",
      "",
      "~~~",
      "# also code",
      "~~~",
      "",
      "# Two",
      "",
      "Text two.",
    ].join("\n");
    const chapters = findChapters(text, "markdown");
    expect(chapters.map((chapter) => chapter.title)).toEqual(["One", "Two"]);
    expect(bodyOf(text, chapters[0]!)).toContain("# not a heading");
  });

  it("treats an unclosed fence as code to the end", () => {
    const text = "# One\n\nText.\n\n# Two\n\nText.\n\n```\n# Three\n\ncode";
    const titles = findChapters(text, "markdown").map((chapter) => chapter.title);
    expect(titles).toEqual(["One", "Two"]);
  });

  it("finds setext headings", () => {
    const text = "First\n=====\n\nBody one.\n\nSecond\n------\n\nBody two.\n\nThird\n=====\n\nBody three.";
    const titles = findChapters(text, "markdown").map((chapter) => chapter.title);
    expect(titles).toEqual(["First", "Third"]);
  });

  it("reads a thematic break after a blank line as no heading", () => {
    const text = "Intro line\n\n---\n\n# A\n\nBody A.\n\n# B\n\nBody B.";
    const titles = findChapters(text, "markdown").map((chapter) => chapter.title);
    expect(titles).toEqual(["A", "B"]);
  });

  it("strips inline markup from titles", () => {
    const text = "## *Chapter* **1**. [The `Start`](#start) ##\n\nBody.\n\n## Chapter 2 ##\n\nBody.";
    const titles = findChapters(text, "markdown").map((chapter) => chapter.title);
    expect(titles).toEqual(["Chapter 1. The Start", "Chapter 2"]);
  });

  it("descends a level when top chapters are oversized", () => {
    const part = (name: string) =>
      `# ${name}\n\n` + ["A", "B", "C"].map((c) => `## ${name}${c}\n\n${"word ".repeat(3000)}\n`).join("\n");
    const text = `${part("One")}\n${part("Two")}`;
    const titles = findChapters(text, "markdown", { targetChapterChars: 2_000 }).map((chapter) => chapter.title);
    expect(titles).toEqual(["OneA", "OneB", "OneC", "TwoA", "TwoB", "TwoC"]);
  });

  it("keeps substantial text before the first heading", () => {
    const intro = "Opening prose. ".repeat(100);
    const text = `${intro}\n\n# A\n\nBody A.\n\n# B\n\nBody B.`;
    const chapters = findChapters(text, "markdown");
    expect(chapters.map((chapter) => chapter.title)).toEqual(["Introduction", "A", "B"]);
  });

  it("falls back to length without headings", () => {
    const text = Array.from({ length: 40 }, (_, i) => `Paragraph ${i} ${"text ".repeat(100)}`).join("\n\n");
    const chapters = findChapters(text, "markdown", { targetChapterChars: 5_000 });
    expect(chapters.length).toBeGreaterThanOrEqual(3);
    expectValidRanges(text, chapters);
  });
});

describe("findChapters on small plain text", () => {
  it.each([
    ["CHAPTER I", "CHAPTER II", "Chapter I", "Chapter II"],
    ["Chapter One", "Chapter Two", "Chapter One", "Chapter Two"],
    ["BOOK II", "BOOK III", "Book II", "Book III"],
    ["PART 3", "PART 4", "Part 3", "Part 4"],
    ["第1章", "第2章", "第1章", "第2章"],
  ])("finds %s lines", (first, second, firstTitle, secondTitle) => {
    const text = `${first}\n\nThe first body.\n\n${second}\n\nThe second body.`;
    const titles = findChapters(text, "text").map((chapter) => chapter.title);
    expect(titles).toEqual([firstTitle, secondTitle]);
  });

  it("reads a title on the same line", () => {
    const text = "CHAPTER I. The Period\n\nIt was.\n\nCHAPTER II: The Mail\n\nIt was not.";
    const titles = findChapters(text, "text").map((chapter) => chapter.title);
    expect(titles).toEqual(["Chapter I. The Period", "Chapter II. The Mail"]);
  });

  it("reads a title on the next line", () => {
    const text = "CHAPTER I\nDown the Rabbit-Hole\n\nAlice was.\n\nCHAPTER II\n\nTHE POOL OF TEARS.\n\nCuriouser.";
    const chapters = findChapters(text, "text");
    expect(chapters.map((chapter) => chapter.title)).toEqual([
      "Chapter I. Down the Rabbit-Hole",
      "Chapter II. THE POOL OF TEARS.",
    ]);
    expect(bodyOf(text, chapters[1]!)).toBe("Curiouser.");
  });

  it("finds bare Roman numeral lines", () => {
    const text = "I.\n\nFirst story.\n\nII.\n\nSecond story.\n\nIII.\n\nThird story.";
    const titles = findChapters(text, "text").map((chapter) => chapter.title);
    expect(titles).toEqual(["I", "II", "III"]);
  });

  it("ignores chapter words inside prose", () => {
    const text =
      "Chapter 5 of the report\nexplains the method.\n\nAs seen in\nChapter 6. The result was\nclear.\n\nMore prose here.";
    const chapters = findChapters(text, "text", { targetChapterChars: 10_000 });
    expect(chapters.map((chapter) => chapter.source)).toEqual(["length"]);
  });

  it("drops a contents list separated by blank lines", () => {
    const text = [
      "Contents",
      "",
      "Chapter 1",
      "",
      "Chapter 2",
      "",
      "Chapter 3",
      "",
      "A preface that is not part of chapter 3.",
      "",
      "Chapter 1",
      "",
      "One.",
      "",
      "Chapter 2",
      "",
      "Two.",
      "",
      "Chapter 3",
      "",
      "Three.",
    ].join("\n");
    const chapters = findChapters(text, "text");
    expect(chapters.map((chapter) => bodyOf(text, chapter))).toEqual(["One.", "Two.", "Three."]);
  });

  it("keeps chapters under book lines", () => {
    const text = "BOOK I\n\nCHAPTER I\n\nOne.\n\nCHAPTER II\n\nTwo.\n\nBOOK II\n\nCHAPTER I\n\nThree.";
    const titles = findChapters(text, "text").map((chapter) => chapter.title);
    expect(titles).toEqual(["Chapter I", "Chapter II", "Chapter I"]);
  });

  it("cuts unbroken text between surrogate pairs", () => {
    const text = "ab\u{1F600}".repeat(5_000);
    // 999 puts the first cut on the low half of a pair.
    const chapters = findChapters(text, "text", { targetChapterChars: 999 });
    expect(chapters.length).toBeGreaterThan(10);
    expectValidRanges(text, chapters);
    const splitPairs = chapters.filter((chapter) => /^[\uDC00-\uDFFF]/.test(text[chapter.start]!));
    expect(splitPairs).toEqual([]);
  });

  it("returns no chapters for whitespace", () => {
    expect(findChapters(" \n\n ", "text")).toEqual([]);
  });

  it("rejects a non-positive target", () => {
    expect(() => findChapters("text", "text", { targetChapterChars: 0 })).toThrow(ConfigError);
  });
});
