import { describe, expect, it } from "vitest";
import {
  buildMarkedDocument,
  escapeSsmlText,
  groupSentences,
  splitAtMarkers,
  trimSilence,
} from "../../../src/adapters/tts/sentence-batch.js";

const RATE = 1000;

/** Builds samples from segments: a number is that many zeros, an array is literal non-zero samples. */
function signal(...segments: Array<number | number[]>): Int16Array {
  return Int16Array.from(segments.flatMap((segment) => (typeof segment === "number" ? new Array<number>(segment).fill(0) : segment)));
}

describe("buildMarkedDocument", () => {
  it("joins sentences with marker breaks", () => {
    expect(buildMarkedDocument(["One.", "Two."])).toBe('<speak>One. <break time="3s"/> Two.</speak>');
  });

  it("escapes markup in the text", () => {
    expect(escapeSsmlText('a < b && c > "d"')).toBe('a &lt; b &amp;&amp; c &gt; "d"');
  });
});

describe("groupSentences", () => {
  it("keeps groups under the character limit", () => {
    expect(groupSentences(["aaaa", "bbbb", "cc", "dddddddddd", "e"], 8)).toEqual([[0, 1], [2], [3], [4]]);
  });

  it("puts everything in one group when it fits", () => {
    expect(groupSentences(["a", "b", "c"], 100)).toEqual([[0, 1, 2]]);
  });
});

describe("trimSilence", () => {
  it("removes zeros at both ends only", () => {
    expect(Array.from(trimSilence(signal(3, [1, 0, 2], 2)))).toEqual([1, 0, 2]);
  });

  it("returns nothing for pure silence", () => {
    expect(trimSilence(signal(5)).length).toBe(0);
  });
});

describe("splitAtMarkers", () => {
  it("cuts at long zero runs", () => {
    const samples = signal(10, [1, 2], 500, [3], 2500, [4, 0, 5], 3000, [6, 7], 40);
    const clips = splitAtMarkers(samples, RATE, 3);
    // A 500-sample pause is shorter than the 2000-sample marker minimum, so it stays inside the clip.
    const first = [1, 2, ...new Array<number>(500).fill(0), 3];

    expect(clips?.map((clip) => Array.from(clip))).toEqual([first, [4, 0, 5], [6, 7]]);
  });

  it("ignores long silence at the ends", () => {
    const clips = splitAtMarkers(signal(5000, [1], 2500, [2], 5000), RATE, 2);

    expect(clips?.map((clip) => Array.from(clip))).toEqual([[1], [2]]);
  });

  it("fails when a sentence was silent", () => {
    // Two markers with a silent sentence between them merge into one run.
    expect(splitAtMarkers(signal([1], 6000, [2]), RATE, 3)).toBeUndefined();
  });

  it("fails when speech has an extra long pause", () => {
    expect(splitAtMarkers(signal([1], 2500, [2], 2500, [3]), RATE, 2)).toBeUndefined();
  });

  it("returns one clip without markers", () => {
    expect(splitAtMarkers(signal(2, [9, 9], 2), RATE, 1)?.map((clip) => Array.from(clip))).toEqual([[9, 9]]);
  });
});
