/**
 * Generated inputs and decoders for the media tests: solid-colour slides made
 * by ffmpeg, tone or silent WAVs written byte by byte, and helpers that read a
 * frame's colour or the narration's loud spans back out of an MP4.
 */
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import type { FfmpegBinaries } from "../../src/media/ffmpeg-binaries.js";

const run = promisify(execFile);

/** An RGB colour with 0–255 channels. */
export type Rgb = [number, number, number];

export const RED: Rgb = [255, 0, 0];
export const GREEN: Rgb = [0, 255, 0];
export const BLUE: Rgb = [0, 0, 255];

/** Writes a solid-colour PNG of `width`x`height`. */
export async function writeSlide(binaries: FfmpegBinaries, outputPath: string, colour: Rgb, width = 1920, height = 1080): Promise<void> {
  const hex = colour.map((channel) => channel.toString(16).padStart(2, "0")).join("");
  await run(binaries.ffmpeg.path, [
    "-v", "error", "-y",
    "-f", "lavfi", "-i", `color=c=0x${hex}:s=${width}x${height}:d=1`,
    "-frames:v", "1", outputPath,
  ]);
}

/** Writes a 16-bit mono PCM WAV: a 440 Hz tone at half scale, or silence. */
export async function writeWav(outputPath: string, seconds: number, kind: "tone" | "silence", sampleRate = 22_050): Promise<void> {
  const sampleCount = Math.round(seconds * sampleRate);
  const data = Buffer.alloc(sampleCount * 2);
  if (kind === "tone") {
    for (let i = 0; i < sampleCount; i++) {
      data.writeInt16LE(Math.round(16_000 * Math.sin((2 * Math.PI * 440 * i) / sampleRate)), i * 2);
    }
  }
  const header = Buffer.alloc(44);
  header.write("RIFF", 0, "ascii");
  header.writeUInt32LE(36 + data.length, 4);
  header.write("WAVE", 8, "ascii");
  header.write("fmt ", 12, "ascii");
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36, "ascii");
  header.writeUInt32LE(data.length, 40);
  await writeFile(outputPath, Buffer.concat([header, data]));
}

/** Decodes the frame on screen at `seconds` (the last one whose timestamp is not later) and returns its average colour. */
export async function colourAt(binaries: FfmpegBinaries, videoPath: string, seconds: number): Promise<Rgb> {
  const { stdout } = await run(
    binaries.ffmpeg.path,
    [
      "-v", "error",
      "-i", videoPath,
      // trim keeps frames before `end`; the half millisecond keeps a frame that starts exactly at `seconds`.
      "-vf", `trim=end=${(seconds + 0.0005).toFixed(4)},scale=1:1`,
      "-vsync", "passthrough",
      "-f", "rawvideo", "-pix_fmt", "rgb24", "-",
    ],
    { encoding: "buffer", maxBuffer: 16 * 1024 * 1024 },
  );
  const last = stdout.subarray(stdout.length - 3);
  return [last[0] ?? -1, last[1] ?? -1, last[2] ?? -1];
}

/** True when every channel of `actual` is within 40 of `expected` (YUV conversion shifts colours a little). */
export function isNear(actual: Rgb, expected: Rgb): boolean {
  return actual.every((channel, index) => Math.abs(channel - (expected[index] ?? 0)) <= 40);
}

/** Decodes the first audio stream to 8 kHz mono and returns the start and end of the loud part, in seconds. */
export async function loudSpan(binaries: FfmpegBinaries, mediaPath: string): Promise<{ start: number; end: number }> {
  const rate = 8_000;
  const { stdout } = await run(
    binaries.ffmpeg.path,
    ["-v", "error", "-i", mediaPath, "-map", "0:a:0", "-ac", "1", "-ar", String(rate), "-f", "s16le", "-"],
    { encoding: "buffer", maxBuffer: 64 * 1024 * 1024 },
  );
  let first = -1;
  let last = -1;
  for (let i = 0; i + 1 < stdout.length; i += 2) {
    if (Math.abs(stdout.readInt16LE(i)) > 4_000) {
      if (first < 0) first = i / 2;
      last = i / 2;
    }
  }
  return { start: first / rate, end: (last + 1) / rate };
}
