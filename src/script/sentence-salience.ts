/**
 * Sentence salience: TextRank centrality over TF-IDF cosine similarity,
 * weighted by position, length and style. A sentence similar to many others
 * sits at the centre of the chapter's topic, so it represents the chapter well.
 */
import type { TermVector } from "./tf-idf.js";

/** A sentence to score: its cleaned text, speech length and TF-IDF vector. */
export interface SalienceInput {
  cleaned: string;
  /** True when the source sentence had inline code or URLs, which `cleanForSpeech` removed and left gaps behind. */
  lostCode: boolean;
  speechWords: number;
  vector: TermVector;
}

/** Edges weaker than this are noise from one shared common word and are left out of the graph. */
const MIN_EDGE_WEIGHT = 0.02;
const DAMPING = 0.85;
const MAX_ITERATIONS = 60;
const CONVERGENCE = 1e-7;

/**
 * Builds the weighted similarity graph. Dot products are accumulated through
 * an inverted index, so only pairs of sentences that share a term cost time.
 */
function similarityGraph(vectors: readonly TermVector[]): { index: number; weight: number }[][] {
  const count = vectors.length;
  const postings = new Map<string, { index: number; weight: number }[]>();
  for (const [index, vector] of vectors.entries()) {
    for (const [term, weight] of vector) {
      const list = postings.get(term) ?? [];
      list.push({ index, weight });
      postings.set(term, list);
    }
  }

  const neighbours: { index: number; weight: number }[][] = vectors.map(() => []);
  const row = new Float64Array(count);
  const touched: number[] = [];
  for (const [left, vector] of vectors.entries()) {
    for (const [term, weight] of vector) {
      for (const posting of postings.get(term)!) {
        if (posting.index <= left) continue;
        if (row[posting.index] === 0) touched.push(posting.index);
        row[posting.index] = row[posting.index]! + weight * posting.weight;
      }
    }
    for (const right of touched) {
      const weight = row[right]!;
      row[right] = 0;
      if (weight < MIN_EDGE_WEIGHT) continue;
      neighbours[left]!.push({ index: right, weight });
      neighbours[right]!.push({ index: left, weight });
    }
    touched.length = 0;
  }
  return neighbours;
}

/** Scores sentences with weighted PageRank over their similarity graph; scores sum to 1. */
export function textRank(vectors: readonly TermVector[]): number[] {
  const count = vectors.length;
  if (count === 0) return [];
  const neighbours = similarityGraph(vectors);
  const outWeight = neighbours.map((edges) => edges.reduce((sum, edge) => sum + edge.weight, 0));

  let scores = new Array<number>(count).fill(1 / count);
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    // Sentences without edges spread their rank evenly, so the scores keep summing to 1.
    let danglingRank = 0;
    for (let index = 0; index < count; index++) {
      if (outWeight[index] === 0) danglingRank += scores[index]!;
    }
    const next = new Array<number>(count);
    for (let index = 0; index < count; index++) {
      let incoming = 0;
      for (const { index: from, weight } of neighbours[index]!) {
        incoming += (scores[from]! * weight) / outWeight[from]!;
      }
      next[index] = (1 - DAMPING) / count + DAMPING * (incoming + danglingRank / count);
    }
    const change = next.reduce((sum, value, index) => sum + Math.abs(value - scores[index]!), 0);
    scores = next;
    if (change < CONVERGENCE) break;
  }
  return scores;
}

/** Favours the opening of a chapter, where narrators and authors set the scene: 1.3 at the start, falling to 1. */
function positionWeight(index: number, count: number): number {
  const relative = count <= 1 ? 0 : index / (count - 1);
  return 1 + 0.3 * Math.exp(-6 * relative);
}

/** Favours sentences of 10 to 35 words, which read well alone; fragments and run-ons weigh less. */
function lengthWeight(words: number): number {
  if (words < 4) return 0.2;
  if (words < 8) return 0.5;
  if (words < 10) return 0.8;
  if (words <= 35) return 1;
  if (words <= 50) return 0.8;
  if (words <= 70) return 0.55;
  return 0.3;
}

const BOILERPLATE = /copyright|all rights reserved|\be-?books?\b|transcriber|produced by|\blicen[cs]e|table of contents/i;

/** Penalises dialogue, questions, fragments, gaps left by removed code and front-matter wording, which make poor summary lines. */
function styleWeight(cleaned: string, words: number, lostCode: boolean): number {
  let weight = 1;
  if (lostCode) weight *= 0.4;
  if (BOILERPLATE.test(cleaned)) weight *= 0.1;
  if (/^["“「『'‘«]/u.test(cleaned)) weight *= words < 10 ? 0.5 : 0.75;
  if (/[?？]["”」』'’»]?$/u.test(cleaned)) weight *= 0.85;
  if (/^\p{Ll}/u.test(cleaned)) weight *= 0.7;
  if (!/[.!?。！？…]["”」』'’»)]*$/u.test(cleaned)) weight *= 0.8;
  return weight;
}

/** Scores each sentence for inclusion in a summary; higher is more representative. */
export function scoreSentences(sentences: readonly SalienceInput[]): number[] {
  const centrality = textRank(sentences.map((sentence) => sentence.vector));
  const maxCentrality = Math.max(...centrality, Number.MIN_VALUE);
  return sentences.map((sentence, index) => {
    const central = centrality[index]! / maxCentrality;
    return (
      central *
      positionWeight(index, sentences.length) *
      lengthWeight(sentence.speechWords) *
      styleWeight(sentence.cleaned, sentence.speechWords, sentence.lostCode)
    );
  });
}

/** Returns true for sentences that must never be narrated: Project Gutenberg licence and header text. */
export function isGutenbergText(cleaned: string): boolean {
  return /project\s+gutenberg/i.test(cleaned);
}
