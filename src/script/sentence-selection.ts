/**
 * Chooses which sentences fill a chapter's narration: the best-scored ones,
 * skipping near-duplicates, until the target length is reached without
 * passing the maximum.
 */
import { cosine, type TermVector } from "./tf-idf.js";

/** A speakable sentence with its score, its estimated speech seconds and its TF-IDF vector. */
export interface SelectionCandidate {
  score: number;
  seconds: number;
  vector: TermVector;
}

/** Narration length bounds, in seconds. */
export interface LengthBudget {
  targetSeconds: number;
  minSeconds: number;
  maxSeconds: number;
}

/** Two sentences more similar than this repeat one another, so the second adds length but no content. */
const REDUNDANCY_THRESHOLD = 0.6;

function totalSeconds(candidates: readonly SelectionCandidate[], indexes: Iterable<number>): number {
  let total = 0;
  for (const index of indexes) total += candidates[index]!.seconds;
  return total;
}

/**
 * Returns the indexes of the chosen candidates in ascending (source) order.
 * A chapter whose speakable text is no longer than the target is used whole.
 * Otherwise sentences are taken by descending score while the total stays at
 * or below `maxSeconds`, until it reaches `targetSeconds`. Near-duplicates are
 * skipped unless the total would otherwise stay below `minSeconds`.
 */
export function selectSentences(candidates: readonly SelectionCandidate[], budget: LengthBudget): number[] {
  const all = candidates.map((_, index) => index);
  if (totalSeconds(candidates, all) <= budget.targetSeconds) return all;

  // Ties fall back to source order, so equal scores always pick the same sentence.
  const ranked = [...all].sort((left, right) => candidates[right]!.score - candidates[left]!.score || left - right);
  const chosen = new Set<number>();
  let total = 0;

  const fill = (skipRedundant: boolean, goal: number): void => {
    for (const index of ranked) {
      if (total >= goal) return;
      if (chosen.has(index)) continue;
      const candidate = candidates[index]!;
      if (total + candidate.seconds > budget.maxSeconds) continue;
      if (skipRedundant && [...chosen].some((other) => cosine(candidate.vector, candidates[other]!.vector) > REDUNDANCY_THRESHOLD)) {
        continue;
      }
      chosen.add(index);
      total += candidate.seconds;
    }
  };

  fill(true, budget.targetSeconds);
  if (total < budget.minSeconds) fill(false, budget.minSeconds);
  // NOTE: when every remaining sentence alone overflows maxSeconds, the script can end below minSeconds.
  return [...chosen].sort((left, right) => left - right);
}
