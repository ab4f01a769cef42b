import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  concatWavs,
  createSilence,
  encodeWav,
  fromInt16Samples,
  int16Samples,
  parseWav,
  readWavFile,
  WavFormatError,
  writeWavFile,
  type PcmAudio,
} from "../../src/media/wav.js";

const run = promisify(execFile);

function ramp(frames: number, startValue: number, sampleRate = 22050): PcmAudio {
  const samples = new Int16Array(frames);
  for (let i = 0; i < frames; i += 1) samples[i] = startValue + i;
  return fromInt16Samples(samples, { sampleRate, channels: 1 });
}

/** Builds a RIFF file from raw chunks; `riffSize` overrides the declared size, as streaming writers do. */
function riff(chunks: Buffer[], riffSize?: number): Buffer {
  const body = Buffer.concat([Buffer.from("WAVE", "latin1"), ...chunks]);
  const header = Buffer.alloc(8);
  header.write("RIFF", 0, "latin1");
  header.writeUInt32LE(riffSize ?? body.length, 4);
  return Buffer.concat([header, body]);
}

function chunk(id: string, body: Buffer, declaredSize = body.length): Buffer {
  const header = Buffer.alloc(8);
  header.write(id, 0, "latin1");
  header.writeUInt32LE(declaredSize, 4);
  const pad = body.length % 2 === 1 ? Buffer.alloc(1) : Buffer.alloc(0);
  return Buffer.concat([header, body, pad]);
}

function fmtBody(formatTag: number, channels: number, sampleRate: number, bitsPerSample: number): Buffer {
  const body = Buffer.alloc(16);
  const blockAlign = channels * (bitsPerSample / 8);
  body.writeUInt16LE(formatTag, 0);
  body.writeUInt16LE(channels, 2);
  body.writeUInt32LE(sampleRate, 4);
  body.writeUInt32LE(sampleRate * blockAlign, 8);
  body.writeUInt16LE(blockAlign, 12);
  body.writeUInt16LE(bitsPerSample, 14);
  return body;
}

describe("parseWav", () => {
  it("round-trips encoded audio exactly", () => {
    const audio = ramp(1001, -500);
    const parsed = parseWav(encodeWav(audio));

    expect(parsed.sampleRate).toBe(22050);
    expect(parsed.channels).toBe(1);
    expect(parsed.bitsPerSample).toBe(16);
    expect(parsed.frameCount).toBe(1001);
    expect(parsed.durationSeconds).toBeCloseTo(1001 / 22050, 12);
    expect(Buffer.compare(parsed.samples, audio.samples)).toBe(0);
  });

  it("clamps placeholder RIFF and data sizes", () => {
    const pcm = ramp(300, 7).samples;
    const bytes = riff([chunk("fmt ", fmtBody(1, 1, 22050, 16)), chunk("data", pcm, 0x7ffff000)], 0x7fffffff);
    const parsed = parseWav(bytes);

    expect(parsed.frameCount).toBe(300);
    expect(Buffer.compare(parsed.samples, pcm)).toBe(0);
  });

  it("skips extra chunks including odd-sized ones", () => {
    const pcm = ramp(10, 100).samples;
    const bytes = riff([
      chunk("LIST", Buffer.from("INFOISFT", "latin1")),
      chunk("fmt ", fmtBody(1, 1, 16000, 16)),
      chunk("junk", Buffer.from("abc", "latin1")),
      chunk("data", pcm),
    ]);
    const parsed = parseWav(bytes);

    expect(parsed.sampleRate).toBe(16000);
    expect(Buffer.compare(parsed.samples, pcm)).toBe(0);
  });

  it("drops a trailing partial frame", () => {
    const pcm = Buffer.concat([ramp(4, 0).samples, Buffer.from([0x01])]);
    // A stream cut mid-frame has no pad byte, so drop the one chunk() adds.
    const data = chunk("data", pcm, 0xffffffff).subarray(0, 8 + pcm.length);
    const bytes = riff([chunk("fmt ", fmtBody(1, 1, 8000, 16)), data]);

    expect(parseWav(bytes).frameCount).toBe(4);
  });

  it("reads stereo frame counts per channel", () => {
    const pcm = ramp(8, 0).samples;
    const bytes = riff([chunk("fmt ", fmtBody(1, 2, 44100, 16)), chunk("data", pcm)]);

    expect(parseWav(bytes).frameCount).toBe(4);
  });

  it("accepts WAVE_FORMAT_EXTENSIBLE holding PCM", () => {
    const fmt = Buffer.alloc(40);
    fmtBody(0xfffe, 1, 48000, 16).copy(fmt);
    fmt.writeUInt16LE(22, 16);
    fmt.writeUInt16LE(1, 24);
    const bytes = riff([chunk("fmt ", fmt), chunk("data", ramp(6, 0).samples)]);

    expect(parseWav(bytes).frameCount).toBe(6);
  });

  it("rejects float samples with a conversion hint", () => {
    const bytes = riff([chunk("fmt ", fmtBody(3, 1, 22050, 32)), chunk("data", Buffer.alloc(8))]);

    expect(() => parseWav(bytes, "float.wav")).toThrow(WavFormatError);
    expect(() => parseWav(bytes, "float.wav")).toThrow("float.wav: audio format 3 is not integer PCM (1); convert it with ffmpeg -c:a pcm_s16le");
  });

  it("rejects data that is not RIFF", () => {
    expect(() => parseWav(Buffer.from("ID3 this is an mp3 file"), "song.mp3")).toThrow(
      "song.mp3: not a RIFF/WAVE file (missing RIFF or WAVE tag)",
    );
  });

  it("rejects a file without a data chunk", () => {
    const bytes = riff([chunk("fmt ", fmtBody(1, 1, 22050, 16))]);

    expect(() => parseWav(bytes, "empty.wav")).toThrow("empty.wav: no data chunk found");
  });

  it("rejects a data chunk before fmt", () => {
    const bytes = riff([chunk("data", Buffer.alloc(4)), chunk("fmt ", fmtBody(1, 1, 22050, 16))]);

    expect(() => parseWav(bytes, "odd.wav")).toThrow("odd.wav: data chunk comes before the fmt chunk");
  });
});

describe("parseWav on ffmpeg output", () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), "wav-test-"));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  const sine = ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=22050:duration=1.5"];

  it("reads a file with a LIST chunk", async () => {
    const file = path.join(directory, "sine.wav");
    await run(ffmpegInstaller.path, [...sine, "-ac", "1", "-c:a", "pcm_s16le", "-y", file]);
    const bytes = await readFile(file);
    const audio = await readWavFile(file);

    expect(bytes.includes(Buffer.from("LIST", "latin1"))).toBe(true);
    expect(audio.frameCount).toBe(33075);
  });

  it("reads a streamed file with placeholder sizes", async () => {
    const { stdout } = await run(ffmpegInstaller.path, [...sine, "-ac", "1", "-c:a", "pcm_s16le", "-f", "wav", "pipe:1"], {
      encoding: "buffer",
      maxBuffer: 10 * 1024 * 1024,
    });
    const declaredDataSize = stdout.readUInt32LE(stdout.indexOf(Buffer.from("data", "latin1")) + 4);

    expect(declaredDataSize).toBeGreaterThan(stdout.length);
    expect(parseWav(stdout).frameCount).toBe(33075);
  });

  it("writes files that ffmpeg decodes to the same samples", async () => {
    const file = path.join(directory, "ramp.wav");
    const audio = ramp(2205, -1000);
    await writeWavFile(file, audio);
    const { stdout } = await run(ffmpegInstaller.path, ["-hide_banner", "-loglevel", "error", "-i", file, "-f", "s16le", "pipe:1"], {
      encoding: "buffer",
    });

    expect(Buffer.compare(stdout, audio.samples)).toBe(0);
  });
});

describe("concatWavs", () => {
  it("inserts the gap between parts only", () => {
    const parts = [ramp(100, 1), ramp(250, 1000), ramp(7, 5000)];
    const joined = concatWavs(parts, { gapSeconds: 0.2 });
    const samples = int16Samples(joined);
    const gapFrames = 4410;

    expect(joined.frameCount).toBe(100 + 250 + 7 + 2 * gapFrames);
    expect(samples[0]).toBe(1);
    expect(samples[99]).toBe(100);
    expect(samples[100]).toBe(0);
    expect(samples[100 + gapFrames - 1]).toBe(0);
    expect(samples[100 + gapFrames]).toBe(1000);
    expect(samples[joined.frameCount - 7]).toBe(5000);
    expect(samples[joined.frameCount - 1]).toBe(5006);
  });

  it("joins without a gap by default", () => {
    const joined = concatWavs([ramp(3, 1), ramp(2, 10)]);

    expect(Array.from(int16Samples(joined))).toEqual([1, 2, 3, 10, 11]);
  });

  it("round-trips through a file", async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), "wav-concat-"));
    try {
      const file = path.join(directory, "joined.wav");
      const joined = concatWavs([ramp(441, 0), ramp(882, 3)], { gapSeconds: 0.5 });
      await writeWavFile(file, joined);
      const reread = await readWavFile(file);

      expect(reread.frameCount).toBe(441 + 882 + 11025);
      expect(Buffer.compare(reread.samples, joined.samples)).toBe(0);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("rejects parts of different sample rates", () => {
    expect(() => concatWavs([ramp(3, 0, 22050), ramp(3, 0, 16000)])).toThrow(
      "part 1: format 16000 Hz, 1 channel(s), 16-bit differs from part 0 (22050 Hz, 1 channel(s), 16-bit); resample before joining",
    );
  });

  it("rejects an empty part list", () => {
    expect(() => concatWavs([])).toThrow("concatWavs needs at least one part");
  });
});

describe("createSilence", () => {
  it("rounds to the nearest frame", () => {
    const silence = createSilence({ sampleRate: 22050, channels: 2, bitsPerSample: 16 }, 0.1);

    expect(silence.frameCount).toBe(2205);
    expect(silence.samples.length).toBe(2205 * 4);
    expect(silence.samples.every((byte) => byte === 0)).toBe(true);
  });

  it("uses the unsigned midpoint for 8-bit audio", () => {
    const silence = createSilence({ sampleRate: 8000, channels: 1, bitsPerSample: 8 }, 0.001);

    expect(Array.from(silence.samples)).toEqual(new Array(8).fill(0x80));
  });

  it("rejects a negative length", () => {
    expect(() => createSilence({ sampleRate: 8000, channels: 1, bitsPerSample: 16 }, -1)).toThrow(
      "invalid silence length -1 s; expected a finite number >= 0",
    );
  });
});
