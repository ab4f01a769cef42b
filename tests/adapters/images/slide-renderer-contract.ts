/**
 * The slide renderer contract: behaviours every `SlideRenderer` backend must
 * show. Each backend's test file calls `defineSlideRendererContract` with a
 * factory for its renderer.
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MARGIN_X_RATIO, MARGIN_Y_RATIO } from "../../../src/adapters/images/slide-layout.js";
import type { SlideRenderer, SlideSpec } from "../../../src/adapters/images/slide-renderer.js";
import { chineseSpec, englishSpec, longWordSpec, mixedSpec, overlongSpec, smallSpec } from "./slide-specs.js";

/** Decoded RGBA pixels of a PNG file. */
export interface DecodedImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** Decodes a PNG file with @napi-rs/canvas into RGBA pixels. */
export async function decodePng(file: string): Promise<DecodedImage> {
  const image = await loadImage(await readFile(file));
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  return { width: image.width, height: image.height, data: context.getImageData(0, 0, image.width, image.height).data };
}

/** Returns true when the pixel at `offset` has the RGB value of the top-left pixel. */
function matchesTopLeft(image: DecodedImage, offset: number): boolean {
  const { data } = image;
  return data[offset] === data[0] && data[offset + 1] === data[1] && data[offset + 2] === data[2];
}

/** Counts pixels in the outer margin band whose colour differs from the top-left pixel. */
export function marginBandMismatches(image: DecodedImage): number {
  const bandX = Math.floor(image.width * MARGIN_X_RATIO) - 1;
  const bandY = Math.floor(image.height * MARGIN_Y_RATIO) - 1;
  let mismatches = 0;
  for (let y = 0; y < image.height; y += 1) {
    for (let x = 0; x < image.width; x += 1) {
      const inBand = x < bandX || x >= image.width - bandX || y < bandY || y >= image.height - bandY;
      if (inBand && !matchesTopLeft(image, (y * image.width + x) * 4)) mismatches += 1;
    }
  }
  return mismatches;
}

/** Counts pixels anywhere in the frame whose colour differs from the top-left pixel. */
export function drawnPixelCount(image: DecodedImage): number {
  let drawn = 0;
  for (let offset = 0; offset < image.data.length; offset += 4) {
    if (!matchesTopLeft(image, offset)) drawn += 1;
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

/** Defines the contract tests for the renderer that `create` returns. */
export function defineSlideRendererContract(provider: string, create: () => SlideRenderer): void {
  describe(`${provider} slide renderer contract`, () => {
    const renderer = create();
    let directory: string;

    beforeAll(async () => {
      directory = await mkdtemp(path.join(os.tmpdir(), `doc2video-slides-${provider}-`));
    });

    afterAll(async () => {
      await rm(directory, { recursive: true, force: true });
    });

    describe.each(cases)("with %s", (name, spec) => {
      let image: DecodedImage;

      beforeAll(async () => {
        const file = path.join(directory, `${name.replace(/\W+/g, "-")}.png`);
        await renderer.render(spec, file);
        image = await decodePng(file);
      });

      it("writes a PNG of the requested width", () => {
        expect(image.width).toBe(spec.width);
      });

      it("writes a PNG of the requested height", () => {
        expect(image.height).toBe(spec.height);
      });

      it("leaves the margin band in the background colour", () => {
        expect(marginBandMismatches(image)).toBe(0);
      });

      it("draws inside the frame", () => {
        expect(drawnPixelCount(image)).toBeGreaterThan(spec.width * spec.height * 0.01);
      });
    });

    it("reports its provider", () => {
      expect(renderer.provider).toBe(provider);
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

    it("rejects an aborted signal", async () => {
      const file = path.join(directory, "aborted.png");
      await expect(renderer.render(englishSpec, file, AbortSignal.abort())).rejects.toMatchObject({ name: "AbortError" });
    });

    it("writes nothing when aborted", async () => {
      const file = path.join(directory, "aborted-nothing.png");
      await renderer.render(englishSpec, file, AbortSignal.abort()).catch(() => undefined);
      await expect(stat(file)).rejects.toMatchObject({ code: "ENOENT" });
    });
  });
}
