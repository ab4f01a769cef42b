import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SubprocessError } from "../../src/errors.js";
import { resolveFfmpegBinaries, type FfmpegBinaries } from "../../src/media/ffmpeg-binaries.js";
import { MediaError } from "../../src/media/media-error.js";
import { probeMedia, type MediaProbe } from "../../src/media/probe.js";
import { RED, writeSlide, writeWav } from "./media-fixtures.js";

let binaries: FfmpegBinaries;
let workDir: string;
let wav: MediaProbe;

beforeAll(async () => {
  binaries = await resolveFfmpegBinaries();
  workDir = await mkdtemp(path.join(tmpdir(), "probe-media-"));
  await writeWav(path.join(workDir, "tone.wav"), 1.5, "tone", 22_050);
  wav = await probeMedia(path.join(workDir, "tone.wav"), { ffprobePath: binaries.ffprobe.path });
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe("probeMedia", () => {
  it("reads the container duration", () => {
    expect(wav.durationSeconds).toBeCloseTo(1.5, 3);
  });

  it("lists one audio stream", () => {
    expect(wav.streams.map((stream) => stream.type)).toEqual(["audio"]);
  });

  it("reads the audio codec", () => {
    expect(wav.streams[0]?.codec).toBe("pcm_s16le");
  });

  it("reads the sample rate as a number", () => {
    expect(wav.streams[0]?.sampleRate).toBe(22_050);
  });

  it("reads the stream duration", () => {
    expect(wav.streams[0]?.durationSeconds).toBeCloseTo(1.5, 3);
  });

  it("rejects a still image without duration", async () => {
    const slidePath = path.join(workDir, "slide.png");
    await writeSlide(binaries, slidePath, RED, 320, 180);
    const error = await probeMedia(slidePath, { ffprobePath: binaries.ffprobe.path }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MediaError);
  });

  it("reports a missing file with the stderr tail", async () => {
    const missing = path.join(workDir, "absent.mp4");
    const error = (await probeMedia(missing, { ffprobePath: binaries.ffprobe.path }).catch((caught: unknown) => caught)) as SubprocessError;
    expect(error).toBeInstanceOf(SubprocessError);
    expect(error.stderrTail).toMatch(/No such file or directory/);
    expect(error.exitCode).toBe(1);
    expect(error.args.at(-1)).toBe(missing);
  });

  it("rejects when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const request = probeMedia(path.join(workDir, "tone.wav"), { ffprobePath: binaries.ffprobe.path, signal: controller.signal });
    await expect(request).rejects.toThrow(/aborted/);
  });
});
