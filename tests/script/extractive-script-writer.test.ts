import { describe, expect, it } from "vitest";
import { cleanForSpeech } from "../../src/script/clean-for-speech.js";
import { ExtractiveScriptWriter } from "../../src/script/extractive-script-writer.js";
import { ChapterScriptSchema, type ChapterScript, type ScriptRequest } from "../../src/script/script-schema.js";
import { frankensteinLetterOne, houndChapterOne, journeyChapterOne, ytDlpInstallation, type CorpusChapter } from "./corpus-chapters.js";

const budget = { targetSeconds: 90, minSeconds: 60, maxSeconds: 150, wordsPerMinute: 160 };

function requestFor(chapter: CorpusChapter, extra: Partial<ScriptRequest> = {}): ScriptRequest {
  return {
    chapterIndex: 0,
    chapterTitle: chapter.title,
    text: chapter.text,
    textOffset: chapter.textOffset,
    language: chapter.language,
    relatedChunks: [],
    ...budget,
    ...extra,
  };
}

function inlineChapter(text: string, title = "Short chapter"): CorpusChapter {
  return { title, language: "en", document: text, text, textOffset: 0 };
}

const writer = new ExtractiveScriptWriter();

describe.each([
  ["Hound of the Baskervilles chapter 1", houndChapterOne],
  ["Frankenstein letter 1", frankensteinLetterOne],
  ["Journey to the West chapter 1", journeyChapterOne],
])("ExtractiveScriptWriter on %s", (_name, loadChapter) => {
  const chapter = loadChapter();
  let script: ChapterScript;

  it("writes a schema-valid script", async () => {
    script = await writer.write(requestFor(chapter));
    expect(ChapterScriptSchema.safeParse(script).success).toBe(true);
  });

  it("narrates source sentences at their recorded offsets", () => {
    for (const sentence of script.scenes.flatMap((scene) => scene.sentences)) {
      const source = chapter.document.slice(sentence.sourceStart, sentence.sourceEnd);
      expect(sentence.text).toBe(cleanForSpeech(source));
    }
  });

  it("keeps offsets inside the chapter", () => {
    for (const sentence of script.scenes.flatMap((scene) => scene.sentences)) {
      expect(sentence.sourceStart).toBeGreaterThanOrEqual(chapter.textOffset);
      expect(sentence.sourceEnd).toBeLessThanOrEqual(chapter.textOffset + chapter.text.length);
    }
  });

  it("keeps sentences in source order", () => {
    const starts = script.scenes.flatMap((scene) => scene.sentences.map((sentence) => sentence.sourceStart!));
    expect(starts).toEqual([...starts].sort((left, right) => left - right));
    expect(new Set(starts).size).toBe(starts.length);
  });

  it("estimates a length within the bounds", () => {
    expect(script.estimatedSeconds).toBeGreaterThanOrEqual(budget.minSeconds);
    expect(script.estimatedSeconds).toBeLessThanOrEqual(budget.maxSeconds);
  });

  it("groups sentences into 2 to 6 scenes", () => {
    expect(script.scenes.length).toBeGreaterThanOrEqual(2);
    expect(script.scenes.length).toBeLessThanOrEqual(6);
  });

  it("gives each scene 2 to 5 distinct key points", () => {
    for (const scene of script.scenes) {
      expect(scene.keyPoints.length).toBeGreaterThanOrEqual(2);
      expect(scene.keyPoints.length).toBeLessThanOrEqual(5);
      expect(new Set(scene.keyPoints).size).toBe(scene.keyPoints.length);
      for (const point of scene.keyPoints) {
        expect(point.trim().length).toBeGreaterThan(0);
        expect([...point].length).toBeLessThanOrEqual(80);
      }
    }
  });

  it("gives each scene a short title", () => {
    for (const scene of script.scenes) {
      expect(scene.title.trim().length).toBeGreaterThan(0);
      expect([...scene.title].length).toBeLessThanOrEqual(60);
    }
  });

  it("titles the first scene with the chapter title", () => {
    expect(script.scenes[0]!.title).toBe(chapter.title);
  });

  it("returns the same script for the same request", async () => {
    const again = await writer.write(requestFor(chapter));
    expect(again).toEqual(script);
  });
});

describe("ExtractiveScriptWriter edge cases", () => {
  it("narrates a two-sentence chapter whole", async () => {
    const text = "Holmes examined the walking stick with care. He said its owner was a country doctor.";
    const script = await writer.write(requestFor(inlineChapter(text)));
    expect(script.scenes.flatMap((scene) => scene.sentences.map((sentence) => sentence.text))).toEqual([
      "Holmes examined the walking stick with care.",
      "He said its owner was a country doctor.",
    ]);
  });

  it("gives a two-sentence chapter valid key points", async () => {
    const text = "Holmes examined the walking stick with care. He said its owner was a country doctor.";
    const script = await writer.write(requestFor(inlineChapter(text)));
    for (const scene of script.scenes) {
      expect(scene.keyPoints.length).toBeGreaterThanOrEqual(2);
      expect(new Set(scene.keyPoints).size).toBe(scene.keyPoints.length);
    }
  });

  it("writes one scene for a one-sentence chapter", async () => {
    const script = await writer.write(requestFor(inlineChapter("The moor was silent.")));
    expect(script.scenes.length).toBe(1);
  });

  it("narrates only the title of a code-only chapter", async () => {
    const text = "```js\nconsole.log('hello');\n```\n\n```sh\nnpm install\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
    const script = await writer.write(requestFor(inlineChapter(text, "Installing the tools")));
    expect(script.scenes).toHaveLength(1);
    expect(script.scenes[0]?.sentences.map((sentence) => sentence.text)).toEqual(["Installing the tools"]);
    expect(script.scenes[0]?.title).toBe("Installing the tools");
    expect(script.scenes[0]?.keyPoints.length).toBeGreaterThanOrEqual(2);
    expect(script.estimatedSeconds).toBeGreaterThan(0);
  });

  it("drops Project Gutenberg sentences", async () => {
    const text = [
      "The hound was heard upon the moor at night.",
      "This eBook is for the use of anyone anywhere under the terms of the Project Gutenberg License.",
      "Sir Henry walked alone across the moor.",
    ].join(" ");
    const script = await writer.write(requestFor(inlineChapter(text)));
    const narration = script.scenes.flatMap((scene) => scene.sentences.map((sentence) => sentence.text)).join(" ");
    expect(narration).not.toMatch(/Gutenberg/);
  });

  it("offsets sentences by textOffset", async () => {
    const prefix = "# Book\n\n";
    const body = "The moor was silent. Holmes waited in the dark.";
    const script = await writer.write({ ...requestFor(inlineChapter(body)), textOffset: prefix.length });
    const first = script.scenes[0]!.sentences[0]!;
    expect((prefix + body).slice(first.sourceStart, first.sourceEnd)).toBe("The moor was silent.");
  });

  it("titles a scene after a heading inside the chapter", async () => {
    const text = [
      "The moor was silent and grey under the low clouds. Holmes waited in the dark beside the old stone hut.",
      "",
      "## The Return to London",
      "",
      "Watson took the morning train back to the city. Baker Street was warm and bright after the moor.",
    ].join("\n");
    const script = await writer.write(requestFor(inlineChapter(text)));
    expect(script.scenes.map((scene) => scene.title)).toContain("The Return to London");
  });

  it("never narrates a heading", async () => {
    const text = "## Part One\n\nThe moor was silent. Holmes waited in the dark.";
    const script = await writer.write(requestFor(inlineChapter(text)));
    const narration = script.scenes.flatMap((scene) => scene.sentences.map((sentence) => sentence.text));
    expect(narration).not.toContain("Part One");
  });

  it("rejects when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("run cancelled"));
    await expect(writer.write(requestFor(houndChapterOne(), { signal: controller.signal }))).rejects.toThrow("run cancelled");
  });
});

describe("ExtractiveScriptWriter on a markdown README", () => {
  const chapter = ytDlpInstallation();

  it("narrates no code, URLs or table rows", async () => {
    const script = await writer.write(requestFor(chapter));
    for (const sentence of script.scenes.flatMap((scene) => scene.sentences)) {
      expect(sentence.text).not.toMatch(/`|:\/\/|\|/);
    }
  });

  it("narrates source sentences of the README", async () => {
    const script = await writer.write(requestFor(chapter));
    for (const sentence of script.scenes.flatMap((scene) => scene.sentences)) {
      expect(sentence.text).toBe(cleanForSpeech(chapter.document.slice(sentence.sourceStart, sentence.sourceEnd)));
    }
  });
});

describe("ExtractiveScriptWriter related chunks", () => {
  const hound = houndChapterOne();
  const chapterTwoStart = hound.document.search(/^##\s+Chapter 2\./m);
  const journey = journeyChapterOne();
  const relatedChunks = [
    { id: "hound-ch2-0", chapterTitle: "The Curse of the Baskervilles", text: hound.document.slice(chapterTwoStart, chapterTwoStart + 2400) },
    { id: "journey-ch1-0", chapterTitle: "第一回", text: journey.text.slice(0, 1200) },
  ];

  it("lists at most three known chunk ids per scene", async () => {
    const script = await writer.write(requestFor(hound, { relatedChunks }));
    for (const scene of script.scenes) {
      expect(scene.sourceChunkIds.length).toBeLessThanOrEqual(3);
      for (const id of scene.sourceChunkIds) expect(["hound-ch2-0", "journey-ch1-0"]).toContain(id);
    }
  });

  it("links the chunk that shares the scene's topic", async () => {
    const script = await writer.write(requestFor(hound, { relatedChunks }));
    expect(script.scenes.flatMap((scene) => scene.sourceChunkIds)).toContain("hound-ch2-0");
  });

  it("skips a chunk with no words in common", async () => {
    const script = await writer.write(requestFor(hound, { relatedChunks }));
    expect(script.scenes.flatMap((scene) => scene.sourceChunkIds)).not.toContain("journey-ch1-0");
  });

  it("narrates no text from related chunks", async () => {
    const script = await writer.write(requestFor(hound, { relatedChunks }));
    for (const sentence of script.scenes.flatMap((scene) => scene.sentences)) {
      expect(sentence.sourceStart).toBeLessThan(chapterTwoStart);
    }
  });
});
