/**
 * Groups the chosen narration sentences into scenes: contiguous runs that
 * break where the topic shifts, while keeping scenes of similar length.
 */

/** Minimum and maximum scenes per chapter; a chapter of one sentence still makes one scene. */
export const MIN_SCENES = 2;
export const MAX_SCENES = 6;

/** Seconds of narration per scene that the scene count aims for. */
const SECONDS_PER_SCENE = 30;

/** Weight of the length balance against topic cohesion at the breaks. */
const BALANCE_WEIGHT = 0.5;

/** Returns how many scenes `sentenceCount` sentences of `totalSeconds` narration should form. */
export function chooseSceneCount(sentenceCount: number, totalSeconds: number): number {
  const bySeconds = Math.round(totalSeconds / SECONDS_PER_SCENE);
  return Math.min(sentenceCount, Math.max(MIN_SCENES, Math.min(MAX_SCENES, bySeconds)));
}

/**
 * Splits items `0..seconds.length-1` into `sceneCount` contiguous groups with
 * dynamic programming. A break after item `i` costs `breakCohesion[i]`, the
 * similarity of the text on both sides (low at a topic shift), and each
 * group costs its squared relative deviation from the mean length.
 * Returns the groups as arrays of item indexes.
 */
export function groupIntoScenes(seconds: readonly number[], breakCohesion: readonly number[], sceneCount: number): number[][] {
  const count = seconds.length;
  const groups = Math.max(1, Math.min(sceneCount, count));
  const prefix = [0];
  for (const value of seconds) prefix.push(prefix.at(-1)! + value);
  const ideal = Math.max(prefix[count]! / groups, Number.MIN_VALUE);
  const groupCost = (from: number, to: number): number => {
    const deviation = (prefix[to]! - prefix[from]! - ideal) / ideal;
    return BALANCE_WEIGHT * deviation * deviation;
  };

  // cost[g][m]: best cost of g groups over the first m items; split[g][m]: where the last group starts.
  const cost: number[][] = Array.from({ length: groups + 1 }, () => new Array<number>(count + 1).fill(Infinity));
  const split: number[][] = Array.from({ length: groups + 1 }, () => new Array<number>(count + 1).fill(0));
  for (let end = 1; end <= count; end++) cost[1]![end] = groupCost(0, end);
  for (let group = 2; group <= groups; group++) {
    for (let end = group; end <= count; end++) {
      for (let start = group - 1; start < end; start++) {
        const candidate = cost[group - 1]![start]! + breakCohesion[start - 1]! + groupCost(start, end);
        if (candidate < cost[group]![end]!) {
          cost[group]![end] = candidate;
          split[group]![end] = start;
        }
      }
    }
  }

  const result: number[][] = [];
  let end = count;
  for (let group = groups; group >= 1; group--) {
    const start = group === 1 ? 0 : split[group]![end]!;
    result.unshift(Array.from({ length: end - start }, (_, offset) => start + offset));
    end = start;
  }
  return result;
}
