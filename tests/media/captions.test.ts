import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { SentenceTiming } from "../../src/adapters/tts/tts-adapter.js";
import {
  buildCaptionCues,
  displayWidth,
  formatSrt,
  formatSrtTimestamp,
  formatVttTimestamp,
  formatWebVtt,
  parseSrt,
  wrapCaptionText,
} from "../../src/media/captions.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const corpus = path.resolve(repoRoot, "../shared/corpus");

const timings: SentenceTiming[] = [
  { text: "Hello world.", startSeconds: 0, endSeconds: 1.2344 },
  {
    text: "The quick brown fox jumps over the lazy dog while the farmer watches from the porch and sips his coffee slowly.",
    startSeconds: 1.5844,
    endSeconds: 8,
  },
  {
    text: "这是一个很长的中文句子，用来检查字幕在没有空格的文字中如何换行，以及标点符号是否留在行尾。",
    startSeconds: 8.35,
    endSeconds: 14.35,
  },
  { text: "Tom & Jerry <3 --> fun", startSeconds: 14.7, endSeconds: 16 },
];

const expectedSrt = `1
00:00:00,000 --> 00:00:01,234
Hello world.

2
00:00:01,584 --> 00:00:04,616
The quick brown fox jumps
over the lazy dog while the

3
00:00:04,616 --> 00:00:08,000
farmer watches from the porch
and sips his coffee slowly.

4
00:00:08,350 --> 00:00:11,550
这是一个很长的中文句子，
用来检查字幕在没有空格的

5
00:00:11,550 --> 00:00:14,350
文字中如何换行，以及标点
符号是否留在行尾。

6
00:00:14,700 --> 00:00:16,000
Tom & Jerry <3 -> fun
`;

const expectedVtt = `WEBVTT

01:00:00.000 --> 01:00:01.234
Hello world.

01:00:01.584 --> 01:00:04.616
The quick brown fox jumps
over the lazy dog while the

01:00:04.616 --> 01:00:08.000
farmer watches from the porch
and sips his coffee slowly.

01:00:08.350 --> 01:00:11.550
这是一个很长的中文句子，
用来检查字幕在没有空格的

01:00:11.550 --> 01:00:14.350
文字中如何换行，以及标点
符号是否留在行尾。

01:00:14.700 --> 01:00:16.000
Tom &amp; Jerry &lt;3 -&gt; fun
`;

/** Splits prose into sentences at terminal punctuation, for test input only. */
function sentencesOf(text: string): string[] {
  return (text.replace(/\s+/g, " ").match(/[^.!?。！？]+[.!?。！？]+["”」』]?/gu) ?? []).map((s) => s.trim()).filter(Boolean);
}

/** Gives each sentence a span proportional to its length, with a 0.35 s pause between sentences. */
function fakeTimings(sentences: string[]): SentenceTiming[] {
  let clock = 0;
  return sentences.map((text) => {
    const startSeconds = clock;
    const endSeconds = startSeconds + text.length * 0.06;
    clock = endSeconds + 0.35;
    return { text, startSeconds, endSeconds };
  });
}

describe("formatSrt", () => {
  it("matches the expected file", () => {
    expect(formatSrt(buildCaptionCues(timings))).toBe(expectedSrt);
  });

  it("parses back to the same cues", () => {
    const cues = buildCaptionCues(timings);
    const parsed = parseSrt(formatSrt(cues));

    expect(parsed).toHaveLength(cues.length);
    parsed.forEach((cue, index) => {
      const original = cues[index]!;
      expect(cue.startSeconds).toBeCloseTo(Math.round(original.startSeconds * 1000) / 1000, 9);
      expect(cue.endSeconds).toBeCloseTo(Math.round(original.endSeconds * 1000) / 1000, 9);
      expect(cue.lines.join(" ")).toBe(original.lines.join(" ").replaceAll("-->", "->"));
    });
  });

  it("numbers chained scenes continuously", () => {
    const scene = timings.slice(0, 2);
    const sceneEnd = scene[scene.length - 1]!.endSeconds;
    const chapter = [...buildCaptionCues(scene), ...buildCaptionCues(scene, { offsetSeconds: sceneEnd + 0.35 })];
    const parsed = parseSrt(formatSrt(chapter));
    const numbers = formatSrt(chapter)
      .split("\n\n")
      .map((block) => Number(block.split("\n")[0]));

    expect(numbers).toEqual([1, 2, 3, 4, 5, 6]);
    expect(parsed[3]!.startSeconds).toBeCloseTo(8.35, 9);
    expect(parsed[5]!.endSeconds).toBeCloseTo(16.35, 9);
  });
});

describe("formatWebVtt", () => {
  it("matches the expected file with an hour offset", () => {
    expect(formatWebVtt(buildCaptionCues(timings, { offsetSeconds: 3600 }))).toBe(expectedVtt);
  });
});

describe("caption timestamps", () => {
  it.each([
    [0, "00:00:00,000", "00:00:00.000"],
    [1.0005, "00:00:01,001", "00:00:01.001"],
    [59.9996, "00:01:00,000", "00:01:00.000"],
    [3723.042, "01:02:03,042", "01:02:03.042"],
    [360000, "100:00:00,000", "100:00:00.000"],
    [-0.2, "00:00:00,000", "00:00:00.000"],
  ])("formats %s seconds", (seconds, srt, vtt) => {
    expect(formatSrtTimestamp(seconds)).toBe(srt);
    expect(formatVttTimestamp(seconds)).toBe(vtt);
  });
});

describe("wrapCaptionText", () => {
  it("cuts a word wider than the line", () => {
    expect(wrapCaptionText("Supercalifragilisticexpialidocious", 10)).toEqual(["Supercalif", "ragilistic", "expialidoc", "ious"]);
  });

  it("keeps closing punctuation on the line", () => {
    expect(wrapCaptionText("一二三四五。六七", 10)).toEqual(["一二三四", "五。六七"]);
  });

  it("keeps spaces between Latin and CJK words", () => {
    expect(wrapCaptionText("Hello 中文 world", 42)).toEqual(["Hello 中文 world"]);
  });
});

describe("buildCaptionCues on corpus text", () => {
  const cases = [
    { name: "English", file: "frankenstein-gutenberg.txt", encoding: "latin1" as const, start: 20_000 },
    { name: "Chinese", file: "journey-to-the-west-zh.txt", encoding: "utf8" as const, start: 5_000 },
  ];

  it.each(cases)("keeps $name cues within 2 lines of 42 columns", async ({ file, encoding, start }) => {
    const text = (await readFile(path.join(corpus, file), encoding)).slice(start, start + 20_000);
    const sentences = sentencesOf(text);
    const cues = buildCaptionCues(fakeTimings(sentences));

    expect(sentences.length).toBeGreaterThan(50);
    expect(cues.every((cue) => cue.lines.length >= 1 && cue.lines.length <= 2)).toBe(true);
    expect(cues.every((cue) => cue.lines.every((line) => displayWidth(line) <= 42))).toBe(true);
  });

  it.each(cases)("keeps every $name character in order", async ({ file, encoding, start }) => {
    const text = (await readFile(path.join(corpus, file), encoding)).slice(start, start + 20_000);
    const sentences = sentencesOf(text);
    const cues = buildCaptionCues(fakeTimings(sentences));
    const captioned = cues.flatMap((cue) => cue.lines).join("").replace(/\s/g, "");

    expect(captioned).toBe(sentences.join("").replace(/\s/g, "").replaceAll("-->", "->"));
  });

  it.each(cases)("keeps $name cue times increasing", async ({ file, encoding, start }) => {
    const text = (await readFile(path.join(corpus, file), encoding)).slice(start, start + 20_000);
    const cues = buildCaptionCues(fakeTimings(sentencesOf(text)));

    expect(cues.every((cue) => cue.endSeconds > cue.startSeconds)).toBe(true);
    expect(cues.every((cue, i) => i === 0 || cue.startSeconds >= cues[i - 1]!.endSeconds)).toBe(true);
  });
});
