/**
 * The "canvas" slide backend: draws slides with @napi-rs/canvas (Skia) and
 * writes them as PNG.
 */
import { randomBytes } from "node:crypto";
import { rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { createCanvas, PngFilter, type SKRSContext2D } from "@napi-rs/canvas";
import { getLogger } from "../../logger.js";
import { loadFontStack, type FontStack } from "./fonts.js";
import { layoutSlide, progressLabels, type ShapeBox, type SlideLayout, type TextBox } from "./slide-layout.js";
import { SlideRenderError } from "./slide-render-error.js";
import type { SlideRenderer, SlideSpec } from "./slide-renderer.js";
import type { MeasureText } from "./text-layout.js";

/** Colours of the slide design: a dark navy ground with a soft teal accent. */
export const SLIDE_THEME = {
  background: "#101b2d",
  text: "#f2f5f9",
  mutedText: "#9aa8bc",
  accent: "#5ec8b8",
  track: "#26354d",
  sceneDot: "#3a4a63",
} as const;

/** Frame sizes accepted, in pixels; below the minimum, text at its minimum size would be under 6 px. */
export const MIN_SLIDE_WIDTH = 320;
export const MIN_SLIDE_HEIGHT = 180;
export const MAX_SLIDE_SIDE = 7680;

/**
 * PNG options. Slides are flat colour plus anti-aliased text, where libpng's
 * row filters cost time and save nothing. On a 1920x1080 English slide
 * (@napi-rs/canvas 1.2.1, 2-core x64) the default (level 6, all filters) took
 * 61 ms for 163 KB, and level 3 without filters took 8.5 ms for 155 KB. The
 * PNG is an intermediate for ffmpeg and an archived copy, so speed wins.
 */
export const PNG_ENCODE_OPTIONS = { compressionLevel: 3, filters: PngFilter.None } as const;

const log = getLogger("canvas-slides");

/** Draws slides with @napi-rs/canvas and the fontsource fonts. */
export class CanvasSlideRenderer implements SlideRenderer {
  readonly provider = "canvas";

  /** Draws `spec` into a PNG file at `outputPath`, written to a temporary file first and then renamed. */
  async render(spec: SlideSpec, outputPath: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    validateSize(spec, outputPath);
    const started = performance.now();

    const png = await this.renderPng(spec, signal);
    const drawnAndEncoded = performance.now();

    signal?.throwIfAborted();
    await writeAtomically(outputPath, png);
    log.debug(
      {
        outputPath,
        width: spec.width,
        height: spec.height,
        bytes: png.length,
        renderMs: Math.round(drawnAndEncoded - started),
        writeMs: Math.round(performance.now() - drawnAndEncoded),
      },
      "slide written",
    );
  }

  /** Draws `spec` and returns the encoded PNG, for callers that store bytes themselves. */
  async renderPng(spec: SlideSpec, signal?: AbortSignal): Promise<Buffer> {
    signal?.throwIfAborted();
    validateSize(spec);
    const canvas = createCanvas(spec.width, spec.height);
    const context = canvas.getContext("2d");
    context.lang = spec.language;

    const fonts = loadFontStack(slideText(spec), spec.language);
    const layout = layoutSlide(spec, canvasMeasure(context, fonts));
    drawSlide(context, layout, fonts);

    signal?.throwIfAborted();
    try {
      return await canvas.encode("png", PNG_ENCODE_OPTIONS);
    } catch (error) {
      throw new SlideRenderError(`PNG encoding of a ${spec.width}x${spec.height} slide failed`, { cause: error });
    }
  }
}

/** Returns a `measure` function for `layoutSlide` backed by the canvas and the slide's fonts. */
export function canvasMeasure(context: SKRSContext2D, fonts: FontStack): MeasureText {
  return (text, font) => {
    context.font = fonts.css(font.weight, font.sizePx);
    return context.measureText(text).width;
  };
}

/** Joins all text the slide may draw, so the font stack covers every character of it. */
export function slideText(spec: SlideSpec): string {
  const labels = progressLabels(spec);
  return [spec.documentTitle, spec.chapterTitle, spec.sceneTitle, ...spec.keyPoints, labels.chapter, labels.progress, "\u2026-"].join(
    "\n",
  );
}

function validateSize(spec: SlideSpec, outputPath?: string): void {
  const sideIsValid = (value: number, min: number): boolean =>
    Number.isInteger(value) && value >= min && value <= MAX_SLIDE_SIDE;
  if (!sideIsValid(spec.width, MIN_SLIDE_WIDTH) || !sideIsValid(spec.height, MIN_SLIDE_HEIGHT)) {
    const target = outputPath === undefined ? "" : ` for ${outputPath}`;
    throw new SlideRenderError(
      `invalid slide size ${spec.width}x${spec.height}${target}: width must be an integer from ` +
        `${MIN_SLIDE_WIDTH} to ${MAX_SLIDE_SIDE} and height from ${MIN_SLIDE_HEIGHT} to ${MAX_SLIDE_SIDE}; 1920x1080 is the default`,
      { outputPath },
    );
  }
}

/** Paints the background and every box of `layout`. */
export function drawSlide(context: SKRSContext2D, layout: SlideLayout, fonts: FontStack): void {
  context.fillStyle = SLIDE_THEME.background;
  context.fillRect(0, 0, layout.width, layout.height);
  for (const box of layout.boxes) {
    if (box.kind === "text") drawText(context, box, fonts);
    else drawShape(context, box);
  }
}

const TEXT_COLOURS: Record<TextBox["role"], string> = {
  documentTitle: SLIDE_THEME.mutedText,
  chapterLabel: SLIDE_THEME.accent,
  chapterTitle: SLIDE_THEME.mutedText,
  sceneTitle: SLIDE_THEME.text,
  keyPoint: SLIDE_THEME.text,
  progressLabel: SLIDE_THEME.mutedText,
};

function drawText(context: SKRSContext2D, box: TextBox, fonts: FontStack): void {
  context.font = fonts.css(box.font.weight, box.font.sizePx);
  context.fillStyle = TEXT_COLOURS[box.role];
  context.textBaseline = "middle";
  context.textAlign = "left";
  for (const [index, line] of box.lines.entries()) {
    context.fillText(line, box.x, box.y + (index + 0.5) * box.lineHeightPx);
  }
}

function drawShape(context: SKRSContext2D, box: ShapeBox): void {
  const radius = Math.min(box.width, box.height) / 2;
  context.beginPath();
  switch (box.role) {
    case "bullet":
    case "sceneDotDone":
      context.fillStyle = SLIDE_THEME.accent;
      context.arc(box.x + radius, box.y + radius, radius, 0, Math.PI * 2);
      break;
    case "sceneDot":
      context.fillStyle = SLIDE_THEME.sceneDot;
      context.arc(box.x + radius, box.y + radius, radius, 0, Math.PI * 2);
      break;
    case "accentRule":
    case "progressFill":
      context.fillStyle = SLIDE_THEME.accent;
      context.roundRect(box.x, box.y, box.width, box.height, radius);
      break;
    case "progressTrack":
      context.fillStyle = SLIDE_THEME.track;
      context.roundRect(box.x, box.y, box.width, box.height, radius);
      break;
  }
  context.fill();
}

/** Writes `bytes` to a temporary file beside `outputPath` and renames it, so readers never see a partial PNG. */
async function writeAtomically(outputPath: string, bytes: Buffer): Promise<void> {
  const temporaryPath = path.join(
    path.dirname(outputPath),
    `.${path.basename(outputPath)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
  try {
    await writeFile(temporaryPath, bytes);
    await rename(temporaryPath, outputPath);
  } catch (error) {
    await rm(temporaryPath, { force: true });
    throw new SlideRenderError(`cannot write slide to ${outputPath}; check that its folder exists and is writable`, {
      outputPath,
      cause: error,
    });
  }
}
