import { describe, expect, it } from "vitest";
import { artifactKey, keySegment } from "../../../src/adapters/storage/keys.js";

describe("keySegment", () => {
  const cases: [string, string][] = [
    ["Chapter 1. Mr. Sherlock Holmes", "Chapter-1.-Mr.-Sherlock-Holmes"],
    ["Tidewater: A Field Guide", "Tidewater-A-Field-Guide"],
    ['Say "hello" <now>?', "Say-hello-now"],
    ["a/b\\c", "a-b-c"],
    ["第一回 靈根育孕源流出", "第一回-靈根育孕源流出"],
    ["..hidden", "hidden"],
    ["   ", "untitled"],
  ];
  for (const [title, expected] of cases) {
    it(`turns ${JSON.stringify(title)} into ${JSON.stringify(expected)}`, () => {
      expect(keySegment(title)).toBe(expected);
    });
  }

  it("cuts long titles to the maximum length", () => {
    expect(Array.from(keySegment("字".repeat(100), 60))).toHaveLength(60);
  });

  it("builds keys that pass the safety check", () => {
    const key = artifactKey({ runId: "r1", chapterIndex: 2, stage: "video", file: `${keySegment("A: B?")}.mp4` });
    expect(key).toBe("runs/r1/ch03/video/A-B.mp4");
  });
});
