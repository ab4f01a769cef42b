import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CanvasSlideRenderer, SLIDE_THEME } from "../../../src/adapters/images/canvas-slides.js";
import { loadFontStack, type FontStack } from "../../../src/adapters/images/fonts.js";
import { SlideRenderError } from "../../../src/adapters/images/slide-render-error.js";
import { decodePng, defineSlideRendererContract } from "./slide-renderer-contract.js";
import { englishSpec, smallSpec } from "./slide-specs.js";

defineSlideRendererContract("canvas", () => new CanvasSlideRenderer());

describe("CanvasSlideRenderer", () => {
  const renderer = new CanvasSlideRenderer();
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), "doc2video-canvas-slides-"));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("paints the theme background", async () => {
    const file = path.join(directory, "background.png");
    await renderer.render(smallSpec, file);
    const image = await decodePng(file);
    const rgb = [...image.data.slice(0, 3)].map((channel) => channel.toString(16).padStart(2, "0")).join("");
    expect(`#${rgb}`).toBe(SLIDE_THEME.background);
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
  const renderer = new CanvasSlideRenderer();

  it("returns PNG bytes of the requested size", async () => {
    const png = await renderer.renderPng(smallSpec);
    expect((await loadImage(png)).width).toBe(1280);
  });

  it("rejects a fractional height", async () => {
    await expect(renderer.renderPng({ ...smallSpec, height: 720.5 })).rejects.toThrow(/invalid slide size 1280x720\.5:/);
  });
});
