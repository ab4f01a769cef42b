import { createCanvas } from "@napi-rs/canvas";
import { describe, expect, it } from "vitest";
import { canvasMeasure, slideText } from "../../../src/adapters/images/canvas-slides.js";
import { loadFontStack } from "../../../src/adapters/images/fonts.js";
import {
  layoutSlide,
  MAX_KEY_POINTS,
  type SlideLayout,
  type TextBox,
} from "../../../src/adapters/images/slide-layout.js";
import type { SlideSpec } from "../../../src/adapters/images/slide-renderer.js";
import type { MeasureText } from "../../../src/adapters/images/text-layout.js";
import { chineseSpec, englishSpec, longWordSpec, mixedSpec, overlongSpec, smallSpec } from "./slide-specs.js";

function measureFor(spec: SlideSpec): MeasureText {
  const context = createCanvas(1, 1).getContext("2d");
  return canvasMeasure(context, loadFontStack(slideText(spec), spec.language));
}

function layoutWithCanvas(spec: SlideSpec): { layout: SlideLayout; measure: MeasureText } {
  const measure = measureFor(spec);
  return { layout: layoutSlide(spec, measure), measure };
}

function textBoxes(layout: SlideLayout, role?: TextBox["role"]): TextBox[] {
  return layout.boxes.filter((box): box is TextBox => box.kind === "text" && (role === undefined || box.role === role));
}

const chinese = chineseSpec();
const longChinese: SlideSpec = {
  ...chinese,
  sceneTitle: chinese.keyPoints.join(""),
  keyPoints: Array.from({ length: 5 }, () => chinese.keyPoints.join("").repeat(4)),
};

const cases: Array<[string, SlideSpec]> = [
  ["English", englishSpec],
  ["overlong text", overlongSpec],
  ["200-character word", longWordSpec],
  ["Chinese", chinese],
  ["long Chinese", longChinese],
  ["mixed Chinese and Latin", mixedSpec],
  ["1280x720", smallSpec],
  ["4:3 frame", { ...overlongSpec, width: 1024, height: 768 }],
];

describe.each(cases)("layoutSlide with %s", (_name, spec) => {
  const { layout, measure } = layoutWithCanvas(spec);
  const { safeArea } = layout;

  it("keeps every box inside the safe area", () => {
    const outside = layout.boxes.filter(
      (box) =>
        box.x < safeArea.x ||
        box.y < safeArea.y ||
        box.x + box.width > safeArea.x + safeArea.width + 0.01 ||
        box.y + box.height > safeArea.y + safeArea.height + 0.01,
    );
    expect(outside).toEqual([]);
  });

  it("keeps the safe area inside the frame with margins", () => {
    expect(safeArea.x).toBeGreaterThan(0);
    expect(safeArea.y).toBeGreaterThan(0);
    expect(safeArea.x + safeArea.width).toBeLessThan(spec.width);
    expect(safeArea.y + safeArea.height).toBeLessThan(spec.height);
  });

  it("measures every line within its box", () => {
    const overflowing = textBoxes(layout).flatMap((box) =>
      box.lines.filter((line) => measure(line, box.font) > box.width + 0.01).map((line) => `${box.role}: ${line}`),
    );
    expect(overflowing).toEqual([]);
  });

  it("keeps text boxes from overlapping", () => {
    const boxes = textBoxes(layout);
    const overlaps = boxes.flatMap((a, i) =>
      boxes
        .slice(i + 1)
        .filter((b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height)
        .map((b) => `${a.role} overlaps ${b.role}`),
    );
    expect(overlaps).toEqual([]);
  });

  it("draws a scene title", () => {
    expect(textBoxes(layout, "sceneTitle")[0]?.lines.length).toBeGreaterThan(0);
  });

  it("draws at least one key point", () => {
    expect(textBoxes(layout, "keyPoint").length).toBeGreaterThan(0);
  });
});

describe("layoutSlide", () => {
  it("draws every key point of a normal slide", () => {
    const { layout } = layoutWithCanvas(englishSpec);
    expect(textBoxes(layout, "keyPoint").length).toBe(englishSpec.keyPoints.length);
  });

  it("keeps the maximum title size for a short title", () => {
    const { layout } = layoutWithCanvas(englishSpec);
    expect(textBoxes(layout, "sceneTitle")[0]?.font.sizePx).toBe(72);
  });

  it("draws at most five key points", () => {
    const { layout } = layoutWithCanvas(overlongSpec);
    expect(textBoxes(layout, "keyPoint").length).toBeLessThanOrEqual(MAX_KEY_POINTS);
  });

  it("truncates an overlong scene title", () => {
    const { layout } = layoutWithCanvas(overlongSpec);
    expect(textBoxes(layout, "sceneTitle")[0]?.truncated).toBe(true);
  });

  it("ellipsizes an overlong document title", () => {
    const { layout } = layoutWithCanvas(overlongSpec);
    expect(textBoxes(layout, "documentTitle")[0]?.lines[0]?.endsWith("\u2026")).toBe(true);
  });

  it("hyphenates a 200-character word", () => {
    const { layout } = layoutWithCanvas(longWordSpec);
    const keyPoint = textBoxes(layout, "keyPoint")[0];
    expect(keyPoint?.lines[0]?.endsWith("-")).toBe(true);
  });

  it("wraps Chinese key points between characters", () => {
    const { layout } = layoutWithCanvas(longChinese);
    const lines = textBoxes(layout, "keyPoint")[0]?.lines ?? [];
    expect(lines.length).toBeGreaterThan(1);
  });

  it("scales fonts with the frame", () => {
    const full = textBoxes(layoutWithCanvas(englishSpec).layout, "sceneTitle")[0];
    const small = textBoxes(layoutWithCanvas(smallSpec).layout, "sceneTitle")[0];
    expect(small?.font.sizePx).toBeCloseTo((full?.font.sizePx ?? 0) * (1280 / 1920), 5);
  });

  it("labels progress in the slide's language", () => {
    const { layout } = layoutWithCanvas(chinese);
    expect(textBoxes(layout, "progressLabel")[0]?.lines[0]).toBe("第 1/100 章 · 第 1/4 节");
  });

  it("fills the progress bar up to the current scene", () => {
    const { layout } = layoutWithCanvas({ ...englishSpec, chapterNumber: 3, chapterCount: 4, sceneNumber: 1, sceneCount: 2 });
    const fills = layout.boxes.filter((box) => box.role === "progressFill");
    const tracks = layout.boxes.filter((box) => box.role === "progressTrack");
    const filledWidth = fills.reduce((sum, box) => sum + box.width, 0);
    const trackWidth = tracks.reduce((sum, box) => sum + box.width, 0);
    expect(filledWidth / trackWidth).toBeCloseTo(2.5 / 4, 5);
  });

  it("marks done scenes with filled dots", () => {
    const { layout } = layoutWithCanvas({ ...englishSpec, sceneNumber: 3, sceneCount: 5 });
    expect(layout.boxes.filter((box) => box.role === "sceneDotDone").length).toBe(3);
  });

  it("clamps a scene number above the scene count", () => {
    const { layout } = layoutWithCanvas({ ...englishSpec, sceneNumber: 9, sceneCount: 5 });
    expect(textBoxes(layout, "progressLabel")[0]?.lines[0]).toContain("Scene 5 of 5");
  });
});
