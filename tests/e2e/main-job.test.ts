import { existsSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ffprobeInstaller from "@ffprobe-installer/ffprobe";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunManifest } from "../../src/nodes/publish-run.js";
import { probeMedia, type MediaProbe } from "../../src/media/probe.js";
import { startRun, type RunOutcome } from "../../src/runs/run-executor.js";
import { createServices } from "../../src/services.js";
import { writeSampleDocument } from "../helpers/sample-document.js";
import { SHORT_RUN, testConfig } from "../helpers/test-config.js";

const TOLERANCE_SECONDS = 0.1;
const ffprobePath = ffprobeInstaller.path;

function streamOf(probe: MediaProbe, type: "video" | "audio") {
  const stream = probe.streams.find((candidate) => candidate.type === type);
  if (!stream) throw new Error(`no ${type} stream`);
  return stream;
}

/** Collects every string value of `value` that looks like a URL. */
function collectUrls(value: unknown, found: string[] = []): string[] {
  if (typeof value === "string" && /^[a-z]+:\/\//.test(value)) found.push(value);
  else if (Array.isArray(value)) value.forEach((item) => collectUrls(item, found));
  else if (value && typeof value === "object") Object.values(value).forEach((item) => collectUrls(item, found));
  return found;
}

describe("main job end to end", () => {
  let outcome: RunOutcome;
  let manifest: RunManifest;

  beforeAll(async () => {
    const config = testConfig({ ...SHORT_RUN, width: 1280, height: 720 });
    const services = createServices(config);
    outcome = await startRun(writeSampleDocument(), config.runDefaults, { config, services });
    manifest = JSON.parse(readFileSync(fileURLToPath(outcome.state.manifest!.url), "utf8")) as RunManifest;
  }, 300_000);

  it("finds the three chapters", () => {
    expect(manifest.chapters.map((chapter) => chapter.title)).toEqual([
      "The First Lights",
      "Lenses and Lamps",
      "Keepers Today",
    ]);
  });

  it("writes H.264 and AAC chapter videos of the narration length", async () => {
    for (const chapter of manifest.chapters) {
      const probe = await probeMedia(fileURLToPath(chapter.video_url!), { ffprobePath });
      const video = streamOf(probe, "video");
      const audio = streamOf(probe, "audio");
      const narrationSeconds = chapter.scenes.reduce((total, scene) => total + scene.duration_seconds, 0);
      expect(video.codec).toBe("h264");
      expect(video.pixFmt).toBe("yuv420p");
      expect(video.width).toBe(1280);
      expect(video.height).toBe(720);
      expect(audio.codec).toBe("aac");
      expect(Math.abs(video.durationSeconds - narrationSeconds)).toBeLessThanOrEqual(TOLERANCE_SECONDS);
      expect(Math.abs(audio.durationSeconds - narrationSeconds)).toBeLessThanOrEqual(TOLERANCE_SECONDS);
      expect(Math.abs(probe.durationSeconds - chapter.duration_seconds!)).toBeLessThanOrEqual(TOLERANCE_SECONDS);
    }
  });

  it("joins the chapters into a full video", async () => {
    const probe = await probeMedia(fileURLToPath(manifest.full_video_url!), { ffprobePath });
    const chapterTotal = manifest.chapters.reduce((total, chapter) => total + chapter.duration_seconds!, 0);
    expect(streamOf(probe, "video").codec).toBe("h264");
    expect(streamOf(probe, "audio").codec).toBe("aac");
    expect(Math.abs(probe.durationSeconds - chapterTotal)).toBeLessThanOrEqual(TOLERANCE_SECONDS * manifest.chapters.length);
  });

  it("names only files that exist", () => {
    const urls = collectUrls(manifest).filter((url) => url !== manifest.call_archive_url);
    expect(urls.length).toBeGreaterThan(10);
    for (const url of urls) {
      expect(url.startsWith("file://")).toBe(true);
      expect(existsSync(fileURLToPath(url)), url).toBe(true);
    }
  });

  it("records every chapter URL", () => {
    for (const chapter of manifest.chapters) {
      expect(chapter.video_url).toMatch(/\.mp4$/);
      expect(chapter.audio_url).toMatch(/narration\.wav$/);
      expect(chapter.image_url).toMatch(/scene-01\.png$/);
      expect(chapter.script_url).toMatch(/script\.json$/);
      expect(chapter.captions_url).toMatch(/captions\.srt$/);
    }
  });

  it("writes captions that cover the narration", () => {
    for (const chapter of manifest.chapters) {
      const srt = readFileSync(fileURLToPath(chapter.captions_url!), "utf8");
      expect(srt).toMatch(/^1\r?\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}/);
      expect(statSync(fileURLToPath(chapter.captions_url!)).size).toBeGreaterThan(20);
    }
  });

  it("narrates only sentences from the source", () => {
    const source = readFileSync(outcome.state.sourcePath, "utf8").replace(/\s+/g, " ");
    for (const chapter of manifest.chapters) {
      const script = JSON.parse(readFileSync(fileURLToPath(chapter.script_url!), "utf8")) as {
        scenes: { sentences: { text: string }[] }[];
      };
      for (const sentence of script.scenes.flatMap((scene) => scene.sentences)) {
        expect(source).toContain(sentence.text);
      }
    }
  });
});
