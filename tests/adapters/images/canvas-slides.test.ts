import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CanvasSlideRenderer, SLIDE_THEME } from "../../../src/adapters/images/canvas-slides.js";
import { loadFontStack, type FontStack } from "../../../src/adapters/images/fonts.js";
import { MARGIN_X_RATIO, MARGIN_Y_RATIO } from "../../../src/adapters/images/slide-layout.js";
import { SlideRenderError } from "../../../src/adapters/images/slide-render-error.js";
import type { SlideSpec } from "../../../src/adapters/images/slide-renderer.js";
import { chineseSpec, englishSpec, longWordSpec, mixedSpec, overlongSpec, smallSpec } from "./slide-specs.js";

let directory: string;
const renderer = new CanvasSlideRenderer();

beforeAll(async () => {
  directory = await mkdtemp(path.join(os.tmpdir(), "doc2video-slides-"));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function decodedPixels(file: string): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  const image = await loadImage(await readFile(file));
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  return { width: image.width, height: image.height, data: context.getImageData(0, 0, image.width, image.height).data };
}

function hexToRgb(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

/** Counts pixels in the outer margin band that differ from the background colour. */
function marginBandMismatches(image: { width: number; height: number; data: Uint8ClampedArray }): number {
  const [r, g, b] = hexToRgb(SLIDE_THEME.background);
  const bandX = Math.floor(image.width * MARGIN_X_RATIO) - 1;
  const bandY = Math.floor(image.height * MARGIN_Y_RATIO) - 1;
  let mismatches = 0;
  for (let y = 0; y < image.height; y += 1) {
    for (let x = 0; x < image.width; x += 1) {
      const inBand = x < bandX || x >= image.width - bandX || y < bandY || y >= image.height - bandY;
      if (!inBand) continue;
      const offset = (y * image.width + x) * 4;
      if (image.data[offset] !== r || image.data[offset + 1] !== g || image.data[offset + 2] !== b) mismatches += 1;
    }
  }
  return mismatches;
}

/** Counts pixels that differ from the background colour anywhere in the frame. */
function drawnPixelCount(image: { data: Uint8ClampedArray }): number {
  const [r, g, b] = hexToRgb(SLIDE_THEME.background);
  let drawn = 0;
  for (let offset = 0; offset < image.data.length; offset += 4) {
    if (image.data[offset] !== r || image.data[offset + 1] !== g || image.data[offset + 2] !== b) drawn += 1;
  }
  return drawn;
}

const cases: Array<[string, SlideSpec]> = [
  ["English", englishSpec],
  ["overlong text", overlongSpec],
  ["200-character word", longWordSpec],
  ["Chinese", chineseSpec()],
  ["mixed Chinese and Latin", mixedSpec],
  ["1280x720", smallSpec],
];

describe.each(cases)("CanvasSlideRenderer with %s", (name, spec) => {
  let file: string;

  beforeAll(async () => {
    file = path.join(directory, `${name.replace(/\W+/g, "-")}.png`);
    await renderer.render(spec, file);
  });

  it("writes a PNG of the requested width", async () => {
    expect((await loadImage(await readFile(file))).width).toBe(spec.width);
  });

  it("writes a PNG of the requested height", async () => {
    expect((await loadImage(await readFile(file))).height).toBe(spec.height);
  });

  it("leaves the margin band in the background colour", async () => {
    expect(marginBandMismatches(await decodedPixels(file))).toBe(0);
  });

  it("draws inside the frame", async () => {
    expect(drawnPixelCount(await decodedPixels(file))).toBeGreaterThan(spec.width * spec.height * 0.01);
  });
});

describe("CanvasSlideRenderer", () => {
  it("reports the canvas provider", () => {
    expect(renderer.provider).toBe("canvas");
  });

  it("leaves no temporary file beside the slide", async () => {
    const folder = await mkdtemp(path.join(directory, "atomic-"));
    await renderer.render(englishSpec, path.join(folder, "slide.png"));
    expect(await readdir(folder)).toEqual(["slide.png"]);
  });

  it("replaces an existing slide whole", async () => {
    const file = path.join(directory, "replaced.png");
    await writeFile(file, "old bytes");
    await renderer.render(smallSpec, file);
    expect((await loadImage(await readFile(file))).width).toBe(1280);
  });

  it("rejects an aborted signal before drawing", async () => {
    const file = path.join(directory, "aborted.png");
    await expect(renderer.render(englishSpec, file, AbortSignal.abort())).rejects.toMatchObject({ name: "AbortError" });
  });

  it("writes nothing when aborted", async () => {
    const file = path.join(directory, "aborted-nothing.png");
    await renderer.render(englishSpec, file, AbortSignal.abort()).catch(() => undefined);
    await expect(stat(file)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("rejects a frame below the minimum size", async () => {
    await expect(renderer.render({ ...englishSpec, width: 100, height: 50 }, path.join(directory, "tiny.png"))).rejects.toThrow(
      SlideRenderError,
    );
  });

  it("names the invalid size in the error", async () => {
    await expect(
      renderer.render({ ...englishSpec, width: 100.5, height: 720 }, path.join(directory, "fraction.png")),
    ).rejects.toThrow(/invalid slide size 100\.5x720/);
  });

  it("reports a missing output folder as a SlideRenderError", async () => {
    const file = path.join(directory, "missing-folder", "slide.png");
    await expect(renderer.render(englishSpec, file)).rejects.toThrow(/cannot write slide to .*missing-folder/);
  });
});

describe("CJK glyphs", () => {
  const sizePx = 64;
  const characters = [..."靈根育孕源流出"];

  /** Draws one character and returns its alpha channel, so different glyphs give different arrays. */
  function glyphPixels(fonts: FontStack, character: string): string {
    const canvas = createCanvas(sizePx * 2, sizePx * 2);
    const context = canvas.getContext("2d");
    context.font = fonts.css(400, sizePx);
    context.fillStyle = "#000";
    context.textBaseline = "top";
    context.fillText(character, sizePx / 2, sizePx / 2);
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    return Buffer.from(data.filter((_value, index) => index % 4 === 3)).toString("base64");
  }

  function advance(fonts: FontStack, text: string): number {
    const context = createCanvas(1, 1).getContext("2d");
    context.font = fonts.css(400, sizePx);
    return context.measureText(text).width;
  }

  it("gives each Chinese character its own glyph", () => {
    const fonts = loadFontStack(characters.join(""), "zh");
    expect(new Set(characters.map((character) => glyphPixels(fonts, character))).size).toBe(characters.length);
  });

  it("draws Chinese glyphs inside English slides", () => {
    const fonts = loadFontStack(`Monkey King ${characters.join("")}`, "en");
    expect(new Set(characters.map((character) => glyphPixels(fonts, character))).size).toBe(characters.length);
  });

  it("advances Chinese characters by one em", () => {
    const fonts = loadFontStack(characters.join(""), "zh");
    expect(advance(fonts, characters.join(""))).toBeCloseTo(characters.length * sizePx, 1);
  });

  it("advances differently from a Latin-only font stack", () => {
    const chineseFonts = loadFontStack(characters.join(""), "zh");
    const latinFonts = loadFontStack("Latin only", "en");
    expect(advance(chineseFonts, characters.join(""))).not.toBeCloseTo(advance(latinFonts, characters.join("")), 1);
  });

  it("draws Traditional characters missing from Noto Sans SC", () => {
    // 蹌 and 躊 are in the corpus and in Noto Sans TC's subsets, not in Noto Sans SC's.
    const rare = ["蹌", "躊"];
    const fonts = loadFontStack(rare.join(""), "zh");
    expect(new Set(rare.map((character) => glyphPixels(fonts, character))).size).toBe(rare.length);
  });
});

describe("CanvasSlideRenderer.renderPng", () => {
  it("returns PNG bytes of the requested size", async () => {
    const png = await renderer.renderPng(smallSpec);
    expect((await loadImage(png)).width).toBe(1280);
  });

  it("rejects a fractional height", async () => {
    await expect(renderer.renderPng({ ...smallSpec, height: 720.5 })).rejects.toThrow(/invalid slide size 1280x720\.5:/);
  });
});
