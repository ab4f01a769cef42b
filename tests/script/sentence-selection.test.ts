import { describe, expect, it } from "vitest";
import { selectSentences, type SelectionCandidate } from "../../src/script/sentence-selection.js";
import type { TermVector } from "../../src/script/tf-idf.js";

function candidate(score: number, seconds: number, terms: string[]): SelectionCandidate {
  const weight = 1 / Math.sqrt(terms.length);
  const vector: TermVector = new Map(terms.map((term) => [term, weight]));
  return { score, seconds, vector };
}

const budget = { targetSeconds: 30, minSeconds: 20, maxSeconds: 40 };

describe("selectSentences", () => {
  it("uses every sentence of a chapter shorter than the target", () => {
    const candidates = [candidate(0.1, 5, ["a"]), candidate(0.9, 5, ["b"])];
    expect(selectSentences(candidates, budget)).toEqual([0, 1]);
  });

  it("takes the best sentences until the target", () => {
    const candidates = [candidate(0.1, 10, ["a"]), candidate(0.9, 10, ["b"]), candidate(0.5, 10, ["c"]), candidate(0.8, 10, ["d"]), candidate(0.2, 10, ["e"])];
    expect(selectSentences(candidates, budget)).toEqual([1, 2, 3]);
  });

  it("skips a sentence that would pass the maximum", () => {
    const candidates = [candidate(0.9, 25, ["a"]), candidate(0.8, 20, ["b"]), candidate(0.1, 10, ["c"]), candidate(0.05, 10, ["d"])];
    expect(selectSentences(candidates, budget)).toEqual([0, 2]);
  });

  it("skips a near-duplicate of a chosen sentence", () => {
    const candidates = [candidate(0.9, 10, ["moor", "hound"]), candidate(0.8, 10, ["moor", "hound"]), candidate(0.3, 10, ["x"]), candidate(0.2, 10, ["y"])];
    expect(selectSentences(candidates, budget)).toEqual([0, 2, 3]);
  });

  it("takes a near-duplicate when the minimum needs it", () => {
    const candidates = [candidate(0.9, 12, ["moor"]), candidate(0.8, 12, ["moor"]), candidate(0.7, 12, ["moor"])];
    expect(selectSentences(candidates, budget)).toEqual([0, 1]);
  });
});
