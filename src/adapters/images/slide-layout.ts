/**
 * Slide layout: the position and size of every text line and shape. The
 * layout is pure because text is measured through the `measure` argument, so
 * tests can check every box against the frame.
 *
 *   +--------------------------------------------------------------+
 *   | document title                                               |
 *   |                                                              |
 *   | CHAPTER 3               •  key point one, wrapped by width   |
 *   | chapter title           •  key point two                     |
 *   | ──                      •  key point three                   |
 *   | Scene title, large                                           |
 *   |                                                              |
 *   | Chapter 3 of 12 · Scene 2 of 5                     ● ● ○ ○ ○ |
 *   | ███████████ ███████████ █████░░░░░ ░░░░░░░░░░ ░░░░░░░░░░     |
 *   +--------------------------------------------------------------+
 *
 * Sizes are given for 1920x1080 and scaled by the smaller of the width and
 * height ratios, so other sizes keep the proportions.
 */
import type { SlideSpec } from "./slide-renderer.js";
import {
  fitText,
  limitLines,
  wrapText,
  ellipsize,
  type FittedText,
  type FontSpec,
  type MeasureText,
} from "./text-layout.js";

/** An axis-aligned rectangle in pixels. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The content kind of a text box; the renderer picks its colour by role. */
export type SlideTextRole =
  | "documentTitle"
  | "chapterLabel"
  | "chapterTitle"
  | "sceneTitle"
  | "keyPoint"
  | "progressLabel";

/** Lines of text at one font, drawn top-down with `lineHeightPx` per line. */
export interface TextBox extends Rect {
  kind: "text";
  role: SlideTextRole;
  font: FontSpec;
  lineHeightPx: number;
  lines: string[];
  /** True when the text was cut to fit and ends with an ellipsis. */
  truncated: boolean;
}

/** The content kind of a shape; the renderer picks its colour and form by role. */
export type SlideShapeRole =
  | "accentRule"
  | "bullet"
  | "progressTrack"
  | "progressFill"
  | "sceneDot"
  | "sceneDotDone";

/** A filled rectangle, pill or circle. */
export interface ShapeBox extends Rect {
  kind: "shape";
  role: SlideShapeRole;
}

/** One drawable item. */
export type SlideBox = TextBox | ShapeBox;

/** The boxes of one slide and the area they must stay in. */
export interface SlideLayout {
  width: number;
  height: number;
  /** The area inside the outer margins; every box lies within it. */
  safeArea: Rect;
  boxes: SlideBox[];
}

/** The size every design constant below refers to. */
export const REFERENCE_WIDTH = 1920;
export const REFERENCE_HEIGHT = 1080;

/** Outer margins as fractions of the frame, kept clear of drawing. */
export const MARGIN_X_RATIO = 0.0625;
export const MARGIN_Y_RATIO = 0.074;

/** At most this many key points are drawn; the script schema allows two to five. */
export const MAX_KEY_POINTS = 5;

const KEY_POINT_LINE_HEIGHT = 1.38;
const SCENE_TITLE_LINE_HEIGHT = 1.14;
const LABEL_LINE_HEIGHT = 1.3;

/** Lays out `spec` at `spec.width` x `spec.height`, measuring text with `measure`. */
export function layoutSlide(spec: SlideSpec, measure: MeasureText): SlideLayout {
  const scale = Math.min(spec.width / REFERENCE_WIDTH, spec.height / REFERENCE_HEIGHT);
  const marginX = Math.round(spec.width * MARGIN_X_RATIO);
  const marginY = Math.round(spec.height * MARGIN_Y_RATIO);
  const safeArea: Rect = {
    x: marginX,
    y: marginY,
    width: spec.width - 2 * marginX,
    height: spec.height - 2 * marginY,
  };
  const labels = progressLabels(spec);
  const boxes: SlideBox[] = [];

  const header = layoutHeader(spec.documentTitle, safeArea, scale, measure);
  boxes.push(header);

  const footer = layoutFooter(spec, labels.progress, safeArea, scale, measure);
  boxes.push(...footer.boxes);

  const body: Rect = {
    x: safeArea.x,
    y: header.y + header.height + 64 * scale,
    width: safeArea.width,
    height: footer.top - 56 * scale - (header.y + header.height + 64 * scale),
  };
  const leftWidth = Math.round(body.width * 0.4);
  const gutter = 96 * scale;
  const left: Rect = { x: body.x, y: body.y, width: leftWidth, height: body.height };
  const right: Rect = {
    x: body.x + leftWidth + gutter,
    y: body.y,
    width: body.width - leftWidth - gutter,
    height: body.height,
  };

  boxes.push(...layoutTitleColumn(spec, spec.chapterLabel ?? labels.chapter, left, scale, measure));
  boxes.push(...layoutKeyPoints(spec.keyPoints, right, scale, measure));
  return { width: spec.width, height: spec.height, safeArea, boxes };
}

/** Returns the chapter label and the progress line in the slide's language. */
export function progressLabels(spec: SlideSpec): { chapter: string; progress: string } {
  const { chapterNumber, chapterCount, sceneNumber, sceneCount } = normalizedProgress(spec);
  const tag = spec.language.toLowerCase();
  if (tag === "zh" || tag.startsWith("zh-")) {
    const traditional = /^zh-(hant|tw|hk|mo)\b/.test(tag);
    return {
      chapter: `第 ${chapterNumber} 章`,
      progress: `第 ${chapterNumber}/${chapterCount} 章 · 第 ${sceneNumber}/${sceneCount} ${traditional ? "節" : "节"}`,
    };
  }
  return {
    chapter: `CHAPTER ${chapterNumber}`,
    progress: `Chapter ${chapterNumber} of ${chapterCount} · Scene ${sceneNumber} of ${sceneCount}`,
  };
}

/** Counts of at least 1 and numbers clamped into 1..count, so odd input still draws a sane bar. */
function normalizedProgress(spec: SlideSpec): {
  chapterNumber: number;
  chapterCount: number;
  sceneNumber: number;
  sceneCount: number;
} {
  const count = (value: number): number => (Number.isFinite(value) ? Math.max(1, Math.floor(value)) : 1);
  const chapterCount = count(spec.chapterCount);
  const sceneCount = count(spec.sceneCount);
  return {
    chapterCount,
    sceneCount,
    chapterNumber: Math.min(chapterCount, count(spec.chapterNumber)),
    sceneNumber: Math.min(sceneCount, count(spec.sceneNumber)),
  };
}

function layoutHeader(title: string, safeArea: Rect, scale: number, measure: MeasureText): TextBox {
  const fitted = fitText(
    title,
    { maxWidth: safeArea.width, maxLines: 1, maxSizePx: 26 * scale, minSizePx: 20 * scale, weight: 500 },
    measure,
  );
  return textBox("documentTitle", fitted, safeArea.x, safeArea.y, LABEL_LINE_HEIGHT, measure);
}

/** Lays out the progress bar along the bottom of the safe area and the label with scene dots above it. */
function layoutFooter(
  spec: SlideSpec,
  label: string,
  safeArea: Rect,
  scale: number,
  measure: MeasureText,
): { top: number; boxes: SlideBox[] } {
  const progress = normalizedProgress(spec);
  const boxes: SlideBox[] = [];
  const barHeight = Math.max(2, 8 * scale);
  const barY = safeArea.y + safeArea.height - barHeight;
  boxes.push(...layoutProgressBar(progress, { ...safeArea, y: barY, height: barHeight }, scale));

  const labelFont: FontSpec = { sizePx: 24 * scale, weight: 500 };
  const labelLineHeight = labelFont.sizePx * LABEL_LINE_HEIGHT;
  const labelY = barY - 22 * scale - labelLineHeight;

  const dotSize = 14 * scale;
  const dotGap = 12 * scale;
  const dotsWidth = progress.sceneCount * dotSize + (progress.sceneCount - 1) * dotGap;
  const showDots = dotsWidth <= safeArea.width * 0.35;
  if (showDots) {
    const dotY = labelY + (labelLineHeight - dotSize) / 2;
    const firstX = safeArea.x + safeArea.width - dotsWidth;
    for (let scene = 1; scene <= progress.sceneCount; scene += 1) {
      boxes.push({
        kind: "shape",
        role: scene <= progress.sceneNumber ? "sceneDotDone" : "sceneDot",
        x: firstX + (scene - 1) * (dotSize + dotGap),
        y: dotY,
        width: dotSize,
        height: dotSize,
      });
    }
  }

  const labelWidth = safeArea.width - (showDots ? dotsWidth + 32 * scale : 0);
  const text = ellipsize(label, labelWidth, labelFont, measure);
  const fitted: FittedText = { lines: [text], font: labelFont, truncated: text !== label };
  boxes.push(textBox("progressLabel", fitted, safeArea.x, labelY, LABEL_LINE_HEIGHT, measure));
  return { top: labelY, boxes };
}

/**
 * Lays out one bar segment per chapter, or one continuous bar when segments
 * would be narrower than 6 px at 1080p. The fill covers finished chapters and
 * the finished part of the current one.
 */
function layoutProgressBar(
  progress: ReturnType<typeof normalizedProgress>,
  bar: Rect,
  scale: number,
): ShapeBox[] {
  const boxes: ShapeBox[] = [];
  const done = (progress.chapterNumber - 1 + progress.sceneNumber / progress.sceneCount) / progress.chapterCount;
  const segmentGap = 8 * scale;
  const segmentWidth = (bar.width - (progress.chapterCount - 1) * segmentGap) / progress.chapterCount;

  if (progress.chapterCount === 1 || segmentWidth < 6 * scale + bar.height) {
    boxes.push({ kind: "shape", role: "progressTrack", ...bar });
    boxes.push({ kind: "shape", role: "progressFill", ...bar, width: Math.max(bar.height, bar.width * done) });
    return boxes;
  }

  for (let chapter = 1; chapter <= progress.chapterCount; chapter += 1) {
    const x = bar.x + (chapter - 1) * (segmentWidth + segmentGap);
    boxes.push({ kind: "shape", role: "progressTrack", x, y: bar.y, width: segmentWidth, height: bar.height });
    let fraction = 0;
    if (chapter < progress.chapterNumber) fraction = 1;
    if (chapter === progress.chapterNumber) fraction = progress.sceneNumber / progress.sceneCount;
    if (fraction > 0) {
      const width = Math.max(bar.height, segmentWidth * fraction);
      boxes.push({ kind: "shape", role: "progressFill", x, y: bar.y, width, height: bar.height });
    }
  }
  return boxes;
}

/** Stacks the chapter label, chapter title, a short accent rule and the scene title, centred in `column`. */
function layoutTitleColumn(
  spec: SlideSpec,
  chapterLabel: string,
  column: Rect,
  scale: number,
  measure: MeasureText,
): SlideBox[] {
  const boxes: SlideBox[] = [];
  let y = column.y;

  const label = fitText(
    chapterLabel,
    { maxWidth: column.width, maxLines: 1, maxSizePx: 26 * scale, minSizePx: 18 * scale, weight: 700 },
    measure,
  );
  const labelBox = textBox("chapterLabel", label, column.x, y, LABEL_LINE_HEIGHT, measure);
  boxes.push(labelBox);
  y += labelBox.height + 10 * scale;

  const chapterTitle = fitText(
    spec.chapterTitle,
    { maxWidth: column.width, maxLines: 2, maxSizePx: 34 * scale, minSizePx: 24 * scale, weight: 500 },
    measure,
  );
  const chapterBox = textBox("chapterTitle", chapterTitle, column.x, y, LABEL_LINE_HEIGHT, measure);
  boxes.push(chapterBox);
  y += chapterBox.height + 40 * scale;

  const rule: ShapeBox = { kind: "shape", role: "accentRule", x: column.x, y, width: 88 * scale, height: 6 * scale };
  boxes.push(rule);
  y += rule.height + 40 * scale;

  const sceneTitle = fitText(
    spec.sceneTitle,
    {
      maxWidth: column.width,
      maxLines: 6,
      maxSizePx: 72 * scale,
      minSizePx: 36 * scale,
      weight: 700,
      lineHeightRatio: SCENE_TITLE_LINE_HEIGHT,
      maxHeight: column.y + column.height - y,
    },
    measure,
  );
  boxes.push(textBox("sceneTitle", sceneTitle, column.x, y, SCENE_TITLE_LINE_HEIGHT, measure));
  return centerVertically(boxes, column);
}

/** Moves `boxes` down so that together they sit in the vertical middle of `column`. */
function centerVertically(boxes: SlideBox[], column: Rect): SlideBox[] {
  const top = Math.min(...boxes.map((box) => box.y));
  const bottom = Math.max(...boxes.map((box) => box.y + box.height));
  const offset = Math.max(0, (column.y + column.height - bottom) / 2 - (top - column.y) / 2);
  return boxes.map((box) => ({ ...box, y: box.y + offset }));
}

/**
 * Lays out bulleted key points in `column` at the largest size from 40 px
 * down to 26 px (at 1080p) at which all of them fit. If none fits, the
 * longest points lose lines first, and points that still do not fit are dropped.
 */
function layoutKeyPoints(points: string[], column: Rect, scale: number, measure: MeasureText): SlideBox[] {
  const visiblePoints = points.map((point) => point.trim()).filter((point) => point !== "").slice(0, MAX_KEY_POINTS);
  if (visiblePoints.length === 0) return [];

  const maxSizePx = 40 * scale;
  const minSizePx = 26 * scale;
  const step = Math.max(1, maxSizePx * 0.04);
  let fitted: FittedText[] | undefined;
  for (let sizePx = maxSizePx; sizePx > minSizePx && fitted === undefined; sizePx -= step) {
    const candidate = wrapPoints(visiblePoints, { sizePx, weight: 400 }, column.width, measure);
    if (pointsHeight(candidate) <= column.height) fitted = candidate;
  }
  fitted ??= shrinkPointsToHeight(visiblePoints, { sizePx: minSizePx, weight: 400 }, column, measure);

  const boxes: SlideBox[] = [];
  const top = column.y + Math.max(0, (column.height - pointsHeight(fitted)) / 2);
  let y = top;
  for (const point of fitted) {
    const { sizePx } = point.font;
    const lineHeight = sizePx * KEY_POINT_LINE_HEIGHT;
    const bulletSize = sizePx * 0.3;
    boxes.push({
      kind: "shape",
      role: "bullet",
      x: column.x,
      y: y + (lineHeight - bulletSize) / 2,
      width: bulletSize,
      height: bulletSize,
    });
    boxes.push(textBox("keyPoint", point, column.x + bulletIndent(sizePx), y, KEY_POINT_LINE_HEIGHT, measure));
    y += point.lines.length * lineHeight + pointGap(sizePx);
  }
  return boxes;
}

function bulletIndent(sizePx: number): number {
  return sizePx * 1.1;
}

function pointGap(sizePx: number): number {
  return sizePx * 0.8;
}

function wrapPoints(points: string[], font: FontSpec, columnWidth: number, measure: MeasureText): FittedText[] {
  const width = columnWidth - bulletIndent(font.sizePx);
  return points.map((point) => ({ lines: wrapText(point, width, font, measure), font, truncated: false }));
}

function pointsHeight(points: FittedText[]): number {
  let height = 0;
  for (const [index, point] of points.entries()) {
    const { sizePx } = point.font;
    height += point.lines.length * sizePx * KEY_POINT_LINE_HEIGHT;
    if (index > 0) height += pointGap(sizePx);
  }
  return height;
}

/** At the minimum size: takes lines from the longest point until the block fits, then drops trailing points. */
function shrinkPointsToHeight(points: string[], font: FontSpec, column: Rect, measure: MeasureText): FittedText[] {
  const width = column.width - bulletIndent(font.sizePx);
  let fitted = wrapPoints(points, font, column.width, measure);
  const budgets = fitted.map((point) => point.lines.length);

  const apply = (): FittedText[] =>
    fitted.map((point, index) => limitLines(point.lines, budgets[index]!, width, font, measure));
  let limited = apply();

  while (pointsHeight(limited) > column.height) {
    const longest = budgets.indexOf(Math.max(...budgets));
    if (budgets[longest]! > 1) {
      budgets[longest]! -= 1;
    } else if (fitted.length > 1) {
      fitted = fitted.slice(0, -1);
      budgets.pop();
    } else {
      break;
    }
    limited = apply();
  }
  return limited;
}

/** Builds a text box whose width is its widest measured line. */
function textBox(
  role: SlideTextRole,
  fitted: FittedText,
  x: number,
  y: number,
  lineHeightRatio: number,
  measure: MeasureText,
): TextBox {
  const lineHeightPx = fitted.font.sizePx * lineHeightRatio;
  const width = Math.max(0, ...fitted.lines.map((line) => measure(line, fitted.font)));
  return {
    kind: "text",
    role,
    font: fitted.font,
    lineHeightPx,
    lines: fitted.lines,
    truncated: fitted.truncated,
    x,
    y,
    width,
    height: fitted.lines.length * lineHeightPx,
  };
}
