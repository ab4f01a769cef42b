import { describe, expect, it } from "vitest";
import { cleanForSpeech, splitSentences } from "../../src/script/split-sentences.js";

function texts(text: string, language = "en"): string[] {
  return splitSentences(text, language).map((sentence) => sentence.text);
}

describe("splitSentences on English", () => {
  it("keeps titles such as Mr. inside the sentence", () => {
    expect(texts("Mr. Sherlock Holmes was seated at the table. I stood upon the hearth-rug.")).toEqual([
      "Mr. Sherlock Holmes was seated at the table.",
      "I stood upon the hearth-rug.",
    ]);
  });

  it("keeps Dr., Mrs. and St. inside the sentence", () => {
    expect(texts("Then Mrs. Hudson came in. Dr. Mortimer said nothing. We went to St. Paul's.")).toEqual([
      "Then Mrs. Hudson came in.",
      "Dr. Mortimer said nothing.",
      "We went to St. Paul's.",
    ]);
  });

  it("keeps e.g., i.e. and initials inside the sentence", () => {
    expect(texts("Use a tool, e.g. a stick. Then J. R. R. Tolkien wrote, i.e. he worked.")).toEqual([
      "Use a tool, e.g. a stick.",
      "Then J. R. R. Tolkien wrote, i.e. he worked.",
    ]);
  });

  it("ends a sentence at said I.", () => {
    expect(texts('"Why so?" said I. Holmes smiled.')).toEqual(['"Why so?" said I.', "Holmes smiled."]);
  });

  it("joins a quotation with its speech tag", () => {
    expect(texts('"Good!" said Holmes. "Excellent!"')).toEqual(['"Good!" said Holmes.', '"Excellent!"']);
  });

  it("keeps a quotation with Dr. Mortimer whole", () => {
    expect(texts('"I think," said I, "that Dr. Mortimer is a successful man." He nodded.')).toEqual([
      '"I think," said I, "that Dr. Mortimer is a successful man."',
      "He nodded.",
    ]);
  });

  it("keeps a two-sentence quotation together", () => {
    const speech = '"How did you know what I was doing? I believe you have eyes in the back of your head."';
    expect(texts(speech)).toEqual([speech]);
  });

  it("splits after an ellipsis only before a capital", () => {
    expect(texts("Wait... what happened? I don't know... He left.")).toEqual([
      "Wait... what happened?",
      "I don't know...",
      "He left.",
    ]);
  });

  it("joins hard-wrapped CRLF lines into one sentence", () => {
    expect(texts("I walk in the streets of\r\nPetersburgh and feel a breeze.\r\nDo you understand?")).toEqual([
      "I walk in the streets of\r\nPetersburgh and feel a breeze.",
      "Do you understand?",
    ]);
  });

  it("returns offsets that slice back to each sentence", () => {
    const text = "  Mr. Holmes sat.\n\n\"Good!\" said he.   Dr. Watson rose.  ";
    for (const sentence of splitSentences(text, "en")) {
      expect(text.slice(sentence.start, sentence.end)).toBe(sentence.text);
    }
  });

  it("trims whitespace from every sentence", () => {
    const sentences = splitSentences("  First one.   Second one.  ", "en");
    expect(sentences.map(({ start, end }) => [start, end])).toEqual([
      [2, 12],
      [15, 26],
    ]);
  });

  it("falls back to English rules for an invalid language tag", () => {
    expect(texts("Mr. Holmes sat. He smoked.", "not a tag!")).toEqual(["Mr. Holmes sat.", "He smoked."]);
  });
});

describe("splitSentences on Chinese", () => {
  it("splits at 。！？", () => {
    expect(texts("一群猴子耍了一會。卻去那山澗中洗澡！見那股澗水奔流？", "zh")).toEqual([
      "一群猴子耍了一會。",
      "卻去那山澗中洗澡！",
      "見那股澗水奔流？",
    ]);
  });

  it("keeps a quoted speech with its speaker", () => {
    expect(texts("眾猴都道：「這股水不知是那裏的水。我們今日\n趕閑無事，耍子去耶！」喊一聲，都拖男挈女。", "zh")).toEqual([
      "眾猴都道：「這股水不知是那裏的水。我們今日\n趕閑無事，耍子去耶！」",
      "喊一聲，都拖男挈女。",
    ]);
  });

  it("moves an opening bracket to the sentence it opens", () => {
    expect(texts("而逐漸堅實。《易》曰：「大哉乾元！」", "zh")).toEqual(["而逐漸堅實。", "《易》曰：「大哉乾元！」"]);
  });

  it("does not end a sentence at a hard line wrap", () => {
    expect(texts("石猴\n道：「沒水！」", "zh-Hant")).toEqual(["石猴\n道：「沒水！」"]);
  });
});

describe("splitSentences on markdown", () => {
  const markdown = [
    "## Getting started",
    "",
    "Install the *tool* first. Then run it.",
    "- first item",
    "- second item",
    "",
    "```sh",
    "echo This is code. Do not read it.",
    "```",
    "| name | value |",
    "|------|-------|",
    "| size | large |",
    "<!-- a comment that is never read -->",
    "See [the docs](https://example.com/a.b?x=1) for more.",
    "https://example.com/only/a/url",
  ].join("\n");

  it("marks headings and leaves out code, tables, comments and bare URLs", () => {
    expect(splitSentences(markdown, "en").map(({ text, kind }) => [kind, text])).toEqual([
      ["heading", "## Getting started"],
      ["sentence", "Install the *tool* first."],
      ["sentence", "Then run it."],
      ["sentence", "- first item"],
      ["sentence", "- second item"],
      ["sentence", "See [the docs](https://example.com/a.b?x=1) for more."],
    ]);
  });
});

describe("splitSentences on tables and help text", () => {
  it("leaves out a pipe table whose rows have no leading pipe", () => {
    const text = "File|Description\n:---|:---\nyt-dlp|Platform-independent binary. Needs Python\nyt-dlp.exe|Windows binary\n\nAfter the table.";
    expect(texts(text)).toEqual(["After the table."]);
  });

  it("leaves out command-line option lists", () => {
    const text = [
      "Options are listed below.",
      "    -h, --help                      Print this help text and exit",
      "    --alias ALIASES OPTIONS         Create aliases for an option string. Unless",
      "                                    an alias starts with a dash, it is prefixed.",
      "    -f, --format FORMAT             Video format code",
      "",
      "Use them with care.",
    ].join("\n");
    expect(texts(text)).toEqual(["Options are listed below.", "Use them with care."]);
  });

  it("keeps a prose line that opens with a double-hyphen dash", () => {
    const text = "He stopped at the door\n--and then he said nothing.  The room was dark.";
    expect(texts(text)).toEqual(["He stopped at the door\n--and then he said nothing.", "The room was dark."]);
  });
});

describe("cleanForSpeech", () => {
  const cases: [string, string, string][] = [
    ["heading marker", "## Chapter 1. Mr. Holmes", "Chapter 1. Mr. Holmes"],
    ["list bullet", "- first item", "first item"],
    ["numbered item", "2. second item", "second item"],
    ["emphasis", "A **bold** and *slanted* and _plain_ word.", "A bold and slanted and plain word."],
    ["link", "See [the docs](https://example.com) now.", "See the docs now."],
    ["image", "![a diagram](img/x.png) Look here.", "Look here."],
    ["inline code", "Run `yt-dlp -U` to update.", "Run to update."],
    ["bare URL", "Visit https://example.com/page today.", "Visit today."],
    ["HTML comment", "Before <!-- MANPAGE: hidden --> after.", "Before after."],
    ["hard wrap in Chinese", "石猴\n道：「沒水！」", "石猴道：「沒水！」"],
    ["ideographic spaces", "　　詩曰：\n　　混沌未分天地亂", "詩曰：混沌未分天地亂"],
    ["CRLF wrap in English", "the streets of\r\nPetersburgh", "the streets of Petersburgh"],
    ["snake_case name", "The file_name stays.", "The file_name stays."],
    ["emptied brackets", "You may also use (`--update-to`) to update.", "You may also use to update."],
  ];

  it.each(cases)("removes %s", (_label, input, expected) => {
    expect(cleanForSpeech(input)).toBe(expected);
  });
});
