import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SubprocessError } from "../../src/errors.js";
import { resolveFfmpegBinaries, type FfmpegBinaries } from "../../src/media/ffmpeg-binaries.js";
import { ffmpegArguments, formatCommandLine, parseProgressTime, runFfmpeg } from "../../src/media/run-ffmpeg.js";

let binaries: FfmpegBinaries;
let workDir: string;

beforeAll(async () => {
  binaries = await resolveFfmpegBinaries();
  workDir = await mkdtemp(path.join(tmpdir(), "run ffmpeg "));
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe("runFfmpeg", () => {
  it("keeps a path with one space whole", async () => {
    // fluent-ffmpeg splits an option holding exactly one space in two unless given separate arguments.
    const outputPath = path.join(workDir, "one space.wav");
    await runFfmpeg(
      { inputs: [{ path: "anullsrc=r=8000:cl=mono", options: ["-f", "lavfi", "-t", "0.5"] }], outputOptions: ["-c:a", "pcm_s16le"], outputPath },
      { ffmpegPath: binaries.ffmpeg.path, timeoutMs: 30_000 },
    );
    expect((await stat(outputPath)).size).toBeGreaterThan(44);
  });

  it("reports the exit code of a failed run", async () => {
    const error = (await runFfmpeg(
      { inputs: [{ path: path.join(workDir, "absent.wav") }], outputOptions: ["-c:a", "pcm_s16le"], outputPath: path.join(workDir, "x.wav") },
      { ffmpegPath: binaries.ffmpeg.path, timeoutMs: 30_000 },
    ).catch((caught: unknown) => caught)) as SubprocessError;
    expect(error.exitCode).toBe(1);
  });

  it("puts the stderr tail in the message", async () => {
    const absent = path.join(workDir, "absent.wav");
    const error = (await runFfmpeg(
      { inputs: [{ path: absent }], outputOptions: ["-c:a", "pcm_s16le"], outputPath: path.join(workDir, "x.wav") },
      { ffmpegPath: binaries.ffmpeg.path, timeoutMs: 30_000 },
    ).catch((caught: unknown) => caught)) as SubprocessError;
    expect(error.message).toContain(`${absent}: No such file or directory`);
  });

  it("reports a missing ffmpeg", async () => {
    const missing = path.join(workDir, "no-ffmpeg");
    const request = runFfmpeg(
      { inputs: [{ path: "anullsrc", options: ["-f", "lavfi", "-t", "0.1"] }], outputOptions: ["-c:a", "pcm_s16le"], outputPath: path.join(workDir, "y.wav") },
      { ffmpegPath: missing, timeoutMs: 30_000 },
    );
    await expect(request).rejects.toThrow(/ffmpeg not found or not executable/);
  });
});

describe("ffmpegArguments", () => {
  it("orders inputs, filter graph and output", () => {
    const args = ffmpegArguments({
      inputs: [{ path: "a.png" }, { path: "b.wav", options: ["-ss", "1"] }],
      filterComplex: "[0:v]null[v]",
      outputOptions: ["-map", "[v]"],
      outputPath: "out.mp4",
    });
    expect(args).toEqual(["-hide_banner", "-nostdin", "-i", "a.png", "-ss", "1", "-i", "b.wav", "-y", "-filter_complex", "[0:v]null[v]", "-map", "[v]", "out.mp4"]);
  });
});

describe("parseProgressTime", () => {
  it("reads hours, minutes and seconds", () => {
    expect(parseProgressTime("frame=  10 fps=0.0 q=-1.0 size=  1kB time=01:02:03.45 bitrate= 1.0kbits/s")).toBeCloseTo(3723.45, 2);
  });

  it("ignores lines without a time", () => {
    expect(parseProgressTime("Stream mapping:")).toBeUndefined();
  });
});

describe("formatCommandLine", () => {
  it("quotes arguments with spaces and quotes", () => {
    expect(formatCommandLine("ffmpeg", ["-i", "it's here.wav"])).toBe(`ffmpeg -i 'it'\\''s here.wav'`);
  });
});
