import { describe, expect, it } from "vitest";
import { chooseSceneCount, groupIntoScenes } from "../../src/script/scene-grouping.js";

describe("chooseSceneCount", () => {
  it("aims at one scene per 30 seconds", () => {
    expect(chooseSceneCount(20, 90)).toBe(3);
  });

  it("uses at least two scenes", () => {
    expect(chooseSceneCount(5, 20)).toBe(2);
  });

  it("uses at most six scenes", () => {
    expect(chooseSceneCount(40, 600)).toBe(6);
  });

  it("never makes more scenes than sentences", () => {
    expect(chooseSceneCount(1, 90)).toBe(1);
  });
});

describe("groupIntoScenes", () => {
  it("breaks at the least cohesive gap", () => {
    const seconds = [10, 10, 10, 10];
    expect(groupIntoScenes(seconds, [0.9, 0.1, 0.9], 2)).toEqual([[0, 1], [2, 3]]);
  });

  it("balances scene lengths when cohesion is flat", () => {
    const seconds = [10, 10, 10, 10, 10, 10];
    expect(groupIntoScenes(seconds, [0.5, 0.5, 0.5, 0.5, 0.5], 3)).toEqual([[0, 1], [2, 3], [4, 5]]);
  });

  it("covers every item once in order", () => {
    const seconds = [3, 8, 12, 5, 9, 4, 7];
    const groups = groupIntoScenes(seconds, [0.3, 0.2, 0.6, 0.1, 0.4, 0.5], 4);
    expect(groups.flat()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(groups.length).toBe(4);
  });
});
