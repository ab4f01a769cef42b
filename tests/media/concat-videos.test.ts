import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SubprocessError } from "../../src/errors.js";
import { composeChapterVideo } from "../../src/media/compose-chapter-video.js";
import { concatVideos, type ConcatenatedVideo } from "../../src/media/concat-videos.js";
import { resolveFfmpegBinaries, type FfmpegBinaries } from "../../src/media/ffmpeg-binaries.js";
import { MediaError } from "../../src/media/media-error.js";
import { probeMedia, type MediaProbe } from "../../src/media/probe.js";
import { BLUE, GREEN, RED, colourAt, isNear, loudSpan, writeSlide, writeWav } from "./media-fixtures.js";

const run = promisify(execFile);

let binaries: FfmpegBinaries;
let workDir: string;
let firstChapter: string;
let secondChapter: string;
let joinedPath: string;
let joined: ConcatenatedVideo;
let joinedProbe: MediaProbe;

// Chapter one: red slide, silence. Chapter two: green slide, silence, then blue slide with a tone.
const FIRST_SECONDS = 1.7;
const SECOND_SECONDS = 0.8 + 1.1;

function stream(probe: MediaProbe, type: "video" | "audio" | "subtitle") {
  const found = probe.streams.find((candidate) => candidate.type === type);
  if (!found) throw new Error(`no ${type} stream in probe`);
  return found;
}

async function chapter(name: string, scenes: { slide: string; wav: string; seconds: number }[], size = { width: 640, height: 360 }, captionsPath?: string) {
  const outputPath = path.join(workDir, name);
  await composeChapterVideo({
    scenes: scenes.map((scene) => ({
      imagePath: path.join(workDir, scene.slide),
      audioPath: path.join(workDir, scene.wav),
      durationSeconds: scene.seconds,
    })),
    outputPath,
    ...size,
    fps: 5,
    captionsPath,
  });
  return outputPath;
}

beforeAll(async () => {
  binaries = await resolveFfmpegBinaries();
  workDir = await mkdtemp(path.join(tmpdir(), "concat-videos-"));
  await Promise.all([
    writeSlide(binaries, path.join(workDir, "red.png"), RED, 640, 360),
    writeSlide(binaries, path.join(workDir, "green.png"), GREEN, 640, 360),
    writeSlide(binaries, path.join(workDir, "blue.png"), BLUE, 640, 360),
    writeWav(path.join(workDir, "silence.wav"), 2, "silence"),
    writeWav(path.join(workDir, "tone.wav"), 1.1, "tone"),
  ]);
  firstChapter = await chapter("chapter-01.mp4", [{ slide: "red.png", wav: "silence.wav", seconds: FIRST_SECONDS }]);
  secondChapter = await chapter("chapter-02.mp4", [
    { slide: "green.png", wav: "silence.wav", seconds: 0.8 },
    { slide: "blue.png", wav: "tone.wav", seconds: 1.1 },
  ]);
  joinedPath = path.join(workDir, "joined", "document.mp4");
  joined = await concatVideos([firstChapter, secondChapter], joinedPath);
  joinedProbe = await probeMedia(joinedPath, { ffprobePath: binaries.ffprobe.path });
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe("concatVideos with matching chapters", () => {
  it("copies the video stream", () => {
    expect(joined.videoCopied).toBe(true);
  });

  it("container lasts the sum of the chapters", () => {
    expect(Math.abs(joined.durationSeconds - (FIRST_SECONDS + SECOND_SECONDS))).toBeLessThanOrEqual(0.2);
  });

  it("video stream lasts the sum of the chapters", () => {
    expect(Math.abs(stream(joinedProbe, "video").durationSeconds - (FIRST_SECONDS + SECOND_SECONDS))).toBeLessThanOrEqual(0.2);
  });

  it("audio stream lasts the sum of the chapters", () => {
    expect(Math.abs(stream(joinedProbe, "audio").durationSeconds - (FIRST_SECONDS + SECOND_SECONDS))).toBeLessThanOrEqual(0.2);
  });

  it("keeps audio and video the same length", () => {
    const gap = stream(joinedProbe, "video").durationSeconds - stream(joinedProbe, "audio").durationSeconds;
    expect(Math.abs(gap)).toBeLessThanOrEqual(0.05);
  });

  it("shows the second chapter right after the first", async () => {
    expect(isNear(await colourAt(binaries, joinedPath, FIRST_SECONDS + 0.05), GREEN)).toBe(true);
  });

  it("shows the first chapter until its end", async () => {
    expect(isNear(await colourAt(binaries, joinedPath, FIRST_SECONDS - 0.05), RED)).toBe(true);
  });

  it("starts the tone with its slide", async () => {
    const toneStart = FIRST_SECONDS + 0.8;
    const { start } = await loudSpan(binaries, joinedPath);
    expect(Math.abs(start - toneStart)).toBeLessThanOrEqual(0.03);
  });

  it("shows the tone's slide when the tone starts", async () => {
    expect(isNear(await colourAt(binaries, joinedPath, FIRST_SECONDS + 0.8 + 0.05), BLUE)).toBe(true);
  });

  it("leaves no list or partial file beside the output", async () => {
    expect(await readdir(path.dirname(joinedPath))).toEqual(["document.mp4"]);
  });
});

describe("concatVideos with other inputs", () => {
  it("re-encodes chapters of different sizes", async () => {
    const small = await chapter("small.mp4", [{ slide: "red.png", wav: "silence.wav", seconds: 1.2 }], { width: 320, height: 180 });
    const result = await concatVideos([firstChapter, small], path.join(workDir, "mixed.mp4"));
    expect(result.videoCopied).toBe(false);
  });

  it("re-encoded join keeps the first chapter's size", async () => {
    const small = await chapter("small-2.mp4", [{ slide: "red.png", wav: "silence.wav", seconds: 1.2 }], { width: 320, height: 180 });
    const outputPath = path.join(workDir, "mixed-2.mp4");
    await concatVideos([firstChapter, small], outputPath);
    const probe = await probeMedia(outputPath, { ffprobePath: binaries.ffprobe.path });
    expect([stream(probe, "video").width, stream(probe, "video").height]).toEqual([640, 360]);
  });

  it("re-encoded join lasts the sum of the chapters", async () => {
    const small = await chapter("small-3.mp4", [{ slide: "red.png", wav: "silence.wav", seconds: 1.2 }], { width: 320, height: 180 });
    const outputPath = path.join(workDir, "mixed-3.mp4");
    await concatVideos([firstChapter, small], outputPath);
    const probe = await probeMedia(outputPath, { ffprobePath: binaries.ffprobe.path });
    expect(Math.abs(stream(probe, "video").durationSeconds - (FIRST_SECONDS + 1.2))).toBeLessThanOrEqual(0.2);
  });

  it("keeps captions when every chapter has them", async () => {
    const captionsPath = path.join(workDir, "captions.srt");
    await writeFile(captionsPath, "1\n00:00:00,000 --> 00:00:01,000\nHello\n");
    const withCaptions = [
      await chapter("captioned-1.mp4", [{ slide: "red.png", wav: "silence.wav", seconds: 1.2 }], undefined, captionsPath),
      await chapter("captioned-2.mp4", [{ slide: "green.png", wav: "silence.wav", seconds: 1.2 }], undefined, captionsPath),
    ];
    const outputPath = path.join(workDir, "captioned.mp4");
    await concatVideos(withCaptions, outputPath);
    const probe = await probeMedia(outputPath, { ffprobePath: binaries.ffprobe.path });
    expect(stream(probe, "subtitle").codec).toBe("mov_text");
  });

  it("rejects an empty input list", async () => {
    await expect(concatVideos([], path.join(workDir, "none.mp4"))).rejects.toThrow(MediaError);
  });

  it("rejects an input without audio", async () => {
    const silentVideo = path.join(workDir, "video-only.mp4");
    await run(binaries.ffmpeg.path, ["-v", "error", "-f", "lavfi", "-i", "color=c=red:s=320x180:d=1", "-c:v", "libx264", silentVideo]);
    await expect(concatVideos([silentVideo], path.join(workDir, "no-audio.mp4"))).rejects.toThrow(/has no audio stream/);
  });

  it("reports a missing input as SubprocessError", async () => {
    const missing = path.join(workDir, "absent.mp4");
    await expect(concatVideos([firstChapter, missing], path.join(workDir, "broken.mp4"))).rejects.toThrow(SubprocessError);
  });
});
