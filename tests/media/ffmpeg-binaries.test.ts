import { mkdtemp, rm, writeFile, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { resolveFfmpegBinaries } from "../../src/media/ffmpeg-binaries.js";

let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), "ffmpeg-binaries-"));
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe("resolveFfmpegBinaries", () => {
  it("finds ffmpeg without configuration", async () => {
    const binaries = await resolveFfmpegBinaries();
    expect(binaries.ffmpeg.version).toMatch(/^ffmpeg version \S+/);
  });

  it("finds ffprobe without configuration", async () => {
    const binaries = await resolveFfmpegBinaries();
    expect(binaries.ffprobe.version).toMatch(/^ffprobe version \S+/);
  });

  it("drops the copyright from the version", async () => {
    const binaries = await resolveFfmpegBinaries();
    expect(binaries.ffmpeg.version).not.toMatch(/Copyright/);
  });

  it("uses an explicit ffmpeg path", async () => {
    const found = await resolveFfmpegBinaries();
    const binaries = await resolveFfmpegBinaries({ ffmpeg: found.ffmpeg.path });
    expect(binaries.ffmpeg.source).toBe("config");
  });

  it("rejects an explicit path that does not exist", async () => {
    const missing = path.join(workDir, "no-ffmpeg");
    await expect(resolveFfmpegBinaries({ ffmpeg: missing })).rejects.toThrow(ConfigError);
  });

  it("names the variable to fix", async () => {
    const missing = path.join(workDir, "no-ffprobe");
    await expect(resolveFfmpegBinaries({ ffprobe: missing })).rejects.toThrow(/FFPROBE_PATH=.*no-ffprobe.*does not run as ffprobe/);
  });

  it("rejects a program that prints no version", async () => {
    const impostor = path.join(workDir, "impostor");
    await writeFile(impostor, "#!/bin/sh\necho hello\n");
    await chmod(impostor, 0o755);
    await expect(resolveFfmpegBinaries({ ffmpeg: impostor })).rejects.toThrow(/unexpected -version output "hello"/);
  });

  it("caches a successful lookup", async () => {
    expect(resolveFfmpegBinaries()).toBe(resolveFfmpegBinaries());
  });
});
