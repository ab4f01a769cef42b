import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SubprocessError } from "../../src/errors.js";
import { composeChapterVideo, type ChapterScene } from "../../src/media/compose-chapter-video.js";
import { resolveFfmpegBinaries, type FfmpegBinaries } from "../../src/media/ffmpeg-binaries.js";
import { MediaError } from "../../src/media/media-error.js";
import { probeMedia, type MediaProbe } from "../../src/media/probe.js";
import type { FfmpegProgress } from "../../src/media/run-ffmpeg.js";
import { BLUE, GREEN, RED, colourAt, isNear, loudSpan, writeSlide, writeWav } from "./media-fixtures.js";

const run = promisify(execFile);

let binaries: FfmpegBinaries;
let workDir: string;
let scenes: ChapterScene[];
let chapterPath: string;
let chapter: MediaProbe;
let returnedDuration: number;
const progress: FfmpegProgress[] = [];
const TOTAL_SECONDS = 1.3 + 2.7 + 0.9;

function stream(probe: MediaProbe, type: "video" | "audio" | "subtitle") {
  const found = probe.streams.find((candidate) => candidate.type === type);
  if (!found) throw new Error(`no ${type} stream in probe`);
  return found;
}

/** Pids of processes whose command line mentions `needle`. */
async function processesMentioning(needle: string): Promise<string[]> {
  const { stdout } = await run("ps", ["-eo", "pid=,args="]);
  return stdout
    .split("\n")
    .filter((line) => line.includes(needle) && !line.includes("ps -eo"))
    .map((line) => line.trim().split(/\s+/)[0] ?? "");
}

beforeAll(async () => {
  binaries = await resolveFfmpegBinaries();
  workDir = await mkdtemp(path.join(tmpdir(), "compose-chapter-"));
  await Promise.all([
    writeSlide(binaries, path.join(workDir, "red.png"), RED),
    writeSlide(binaries, path.join(workDir, "green.png"), GREEN),
    writeSlide(binaries, path.join(workDir, "blue.png"), BLUE),
    // The WAVs differ from the scene durations on purpose: the first is padded, the second cut.
    writeWav(path.join(workDir, "one.wav"), 1.0, "silence"),
    writeWav(path.join(workDir, "two.wav"), 3.0, "tone"),
    writeWav(path.join(workDir, "three.wav"), 0.9, "silence", 16_000),
  ]);
  scenes = [
    { imagePath: path.join(workDir, "red.png"), audioPath: path.join(workDir, "one.wav"), durationSeconds: 1.3 },
    { imagePath: path.join(workDir, "green.png"), audioPath: path.join(workDir, "two.wav"), durationSeconds: 2.7 },
    { imagePath: path.join(workDir, "blue.png"), audioPath: path.join(workDir, "three.wav"), durationSeconds: 0.9 },
  ];
  chapterPath = path.join(workDir, "out", "chapter-01.mp4");
  const result = await composeChapterVideo({
    scenes,
    outputPath: chapterPath,
    width: 1920,
    height: 1080,
    fps: 5,
    onProgress: (update) => progress.push(update),
  });
  returnedDuration = result.durationSeconds;
  chapter = await probeMedia(chapterPath, { ffprobePath: binaries.ffprobe.path });
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe("composeChapterVideo output", () => {
  it("encodes video as h264", () => {
    expect(stream(chapter, "video").codec).toBe("h264");
  });

  it("uses yuv420p", () => {
    expect(stream(chapter, "video").pixFmt).toBe("yuv420p");
  });

  it("keeps the requested frame size", () => {
    expect([stream(chapter, "video").width, stream(chapter, "video").height]).toEqual([1920, 1080]);
  });

  it("encodes audio as aac", () => {
    expect(stream(chapter, "audio").codec).toBe("aac");
  });

  it("container lasts the total narration", () => {
    expect(Math.abs(chapter.durationSeconds - TOTAL_SECONDS)).toBeLessThanOrEqual(0.1);
  });

  it("video stream lasts the total narration", () => {
    expect(Math.abs(stream(chapter, "video").durationSeconds - TOTAL_SECONDS)).toBeLessThanOrEqual(0.1);
  });

  it("audio stream lasts the total narration", () => {
    expect(Math.abs(stream(chapter, "audio").durationSeconds - TOTAL_SECONDS)).toBeLessThanOrEqual(0.1);
  });

  it("returns the probed duration", () => {
    expect(returnedDuration).toBe(chapter.durationSeconds);
  });

  it("repeats each slide at the requested rate", () => {
    // ceil(1.3*5) + ceil(2.7*5) + ceil(0.9*5) grid frames plus the closing frame.
    expect(stream(chapter, "video").frameCount).toBe(7 + 14 + 5 + 1);
  });

  it("shows the first slide just before its end", async () => {
    expect(isNear(await colourAt(binaries, chapterPath, 1.25), RED)).toBe(true);
  });

  it("shows the second slide just after the first ends", async () => {
    expect(isNear(await colourAt(binaries, chapterPath, 1.35), GREEN)).toBe(true);
  });

  it("shows the last slide at the end", async () => {
    expect(isNear(await colourAt(binaries, chapterPath, 4.85), BLUE)).toBe(true);
  });

  it("starts the second narration at its slide", async () => {
    const { start } = await loudSpan(binaries, chapterPath);
    expect(Math.abs(start - 1.3)).toBeLessThanOrEqual(0.03);
  });

  it("cuts the second narration at its scene end", async () => {
    const { end } = await loudSpan(binaries, chapterPath);
    expect(Math.abs(end - 4.0)).toBeLessThanOrEqual(0.03);
  });

  it("reports progress up to the end", () => {
    expect(progress.at(-1)?.percent).toBeGreaterThanOrEqual(95);
  });

  it("leaves no partial file beside the output", async () => {
    expect(await readdir(path.dirname(chapterPath))).toEqual(["chapter-01.mp4"]);
  });
});

describe("composeChapterVideo requests", () => {
  it("rejects an odd width", async () => {
    const request = { scenes, outputPath: path.join(workDir, "odd.mp4"), width: 1919, height: 1080, fps: 5 };
    await expect(composeChapterVideo(request)).rejects.toThrow(MediaError);
  });

  it("rejects an empty scene list", async () => {
    const request = { scenes: [], outputPath: path.join(workDir, "empty.mp4"), width: 640, height: 360, fps: 5 };
    await expect(composeChapterVideo(request)).rejects.toThrow(/no scenes/);
  });

  it("rejects a missing slide", async () => {
    const missing = [{ ...scenes[0]!, imagePath: path.join(workDir, "absent.png") }];
    const request = { scenes: missing, outputPath: path.join(workDir, "missing.mp4"), width: 640, height: 360, fps: 5 };
    await expect(composeChapterVideo(request)).rejects.toThrow(/slide image of scene 1 not found/);
  });

  it("attaches captions as mov_text", async () => {
    const captionsPath = path.join(workDir, "captions.srt");
    await writeFile(captionsPath, "1\n00:00:00,000 --> 00:00:01,300\nFirst scene\n\n2\n00:00:01,300 --> 00:00:04,000\nSecond scene\n");
    const outputPath = path.join(workDir, "captioned.mp4");
    await composeChapterVideo({ scenes, outputPath, width: 640, height: 360, fps: 5, captionsPath });
    const probe = await probeMedia(outputPath, { ffprobePath: binaries.ffprobe.path });
    expect(stream(probe, "subtitle").codec).toBe("mov_text");
  });
});

describe("composeChapterVideo failures", () => {
  it("reports a corrupt slide as SubprocessError", async () => {
    const corruptPath = path.join(workDir, "corrupt.png");
    // A valid PNG signature followed by garbage, so ffmpeg opens the file and then fails to decode it.
    await writeFile(corruptPath, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from("not an image")]));
    const outputPath = path.join(workDir, "corrupt-out", "chapter.mp4");
    const error = await composeChapterVideo({
      scenes: [{ ...scenes[0]!, imagePath: corruptPath }],
      outputPath,
      width: 640,
      height: 360,
      fps: 5,
    }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SubprocessError);
    const failure = error as SubprocessError;
    expect(failure.exitCode).toBeGreaterThan(0);
    expect(failure.stderrTail).toMatch(/Invalid data found/);
    expect(failure.args).toContain(corruptPath);
    expect(failure.message).toContain(`exited with code ${failure.exitCode}`);
    expect(await readdir(path.dirname(outputPath))).toEqual([]);
  });

  it("abort kills ffmpeg and writes nothing", async () => {
    const abortDir = path.join(workDir, "abort-run");
    const longScenes = [{ ...scenes[0]!, durationSeconds: 600 }];
    const controller = new AbortController();
    const outputPath = path.join(abortDir, "chapter.mp4");
    const error = await composeChapterVideo({
      scenes: longScenes,
      outputPath,
      width: 1920,
      height: 1080,
      fps: 30,
      signal: controller.signal,
      // Abort once ffmpeg has written some output, so the process is surely running.
      onProgress: (update) => {
        if (update.processedSeconds > 0) controller.abort();
      },
    }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SubprocessError);
    expect((error as Error).message).toMatch(/was aborted/);
    expect(await processesMentioning(abortDir)).toEqual([]);
    expect(await readdir(abortDir)).toEqual([]);
  });

  it("timeout kills ffmpeg", async () => {
    const timeoutDir = path.join(workDir, "timeout-run");
    const error = await composeChapterVideo({
      scenes: [{ ...scenes[0]!, durationSeconds: 600 }],
      outputPath: path.join(timeoutDir, "chapter.mp4"),
      width: 1920,
      height: 1080,
      fps: 30,
      timeoutMs: 500,
    }).catch((caught: unknown) => caught);

    expect((error as Error).message).toMatch(/timed out after 500 ms/);
    expect(await processesMentioning(timeoutDir)).toEqual([]);
    expect(await readdir(timeoutDir)).toEqual([]);
  });

  it("rejects an already aborted signal", async () => {
    const controller = new AbortController();
    controller.abort();
    const request = { scenes, outputPath: path.join(workDir, "never.mp4"), width: 640, height: 360, fps: 5, signal: controller.signal };
    await expect(composeChapterVideo(request)).rejects.toThrow(/aborted/);
  });
});
