/**
 * PCM WAV reading and writing in plain TypeScript.
 *
 * The parser accepts the headers that streaming writers produce: espeak-ng's
 * `--stdout` writes placeholder RIFF and data sizes (0x7fffffff and similar)
 * because it cannot seek back, so declared sizes are clamped to the bytes
 * actually present.
 */
import { readFile, writeFile } from "node:fs/promises";
import { Doc2VideoError } from "../errors.js";

/** WAVE_FORMAT_PCM in the `fmt ` chunk. */
const FORMAT_PCM = 1;
/** WAVE_FORMAT_EXTENSIBLE; the real format is then the first two bytes of the sub-format GUID. */
const FORMAT_EXTENSIBLE = 0xfffe;
const HEADER_BYTES = 44;

/** A WAV file that is not RIFF/WAVE integer PCM, or is truncated before its samples. */
export class WavFormatError extends Doc2VideoError {
  constructor(
    readonly source: string,
    message: string,
  ) {
    super(`${source}: ${message}`);
    this.name = "WavFormatError";
  }
}

/** Sample layout shared by every part of a concatenation. */
export interface PcmFormat {
  sampleRate: number;
  channels: number;
  /** Bits per sample per channel: 8, 16, 24 or 32 (integer PCM). */
  bitsPerSample: number;
}

/** Decoded PCM audio. */
export interface PcmAudio extends PcmFormat {
  /** Interleaved little-endian sample bytes, always a whole number of frames. */
  samples: Buffer;
}

/** Decoded PCM audio with its derived length. */
export interface WavAudio extends PcmAudio {
  /** Samples per channel. */
  frameCount: number;
  durationSeconds: number;
}

/** Bytes in one frame (one sample of every channel). */
export function bytesPerFrame(format: PcmFormat): number {
  return format.channels * (format.bitsPerSample / 8);
}

function withLength(audio: PcmAudio): WavAudio {
  const frameCount = audio.samples.length / bytesPerFrame(audio);
  return { ...audio, frameCount, durationSeconds: frameCount / audio.sampleRate };
}

function validateFormat(format: PcmFormat, source: string): void {
  if (!Number.isInteger(format.sampleRate) || format.sampleRate <= 0) {
    throw new WavFormatError(source, `invalid sample rate ${format.sampleRate}; expected a positive integer`);
  }
  if (!Number.isInteger(format.channels) || format.channels <= 0) {
    throw new WavFormatError(source, `invalid channel count ${format.channels}; expected a positive integer`);
  }
  if (![8, 16, 24, 32].includes(format.bitsPerSample)) {
    throw new WavFormatError(source, `unsupported ${format.bitsPerSample} bits per sample; expected 8, 16, 24 or 32`);
  }
}

interface FmtChunk extends PcmFormat {
  formatTag: number;
}

function readFmtChunk(bytes: Buffer, offset: number, size: number, source: string): FmtChunk {
  if (size < 16 || offset + 16 > bytes.length) {
    throw new WavFormatError(source, `fmt chunk is ${size} bytes; expected at least 16`);
  }
  let formatTag = bytes.readUInt16LE(offset);
  if (formatTag === FORMAT_EXTENSIBLE && size >= 40 && offset + 26 <= bytes.length) {
    formatTag = bytes.readUInt16LE(offset + 24);
  }
  return {
    formatTag,
    channels: bytes.readUInt16LE(offset + 2),
    sampleRate: bytes.readUInt32LE(offset + 4),
    bitsPerSample: bytes.readUInt16LE(offset + 14),
  };
}

/**
 * Parses a RIFF/WAVE file holding integer PCM.
 *
 * Unknown chunks (LIST, fact, cue ...) are skipped. A data size larger than
 * the remaining bytes, as written by streaming encoders, is clamped, and a
 * trailing partial frame is dropped.
 */
export function parseWav(input: Uint8Array, source = "WAV data"): WavAudio {
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (bytes.length < 12 || bytes.toString("latin1", 0, 4) !== "RIFF" || bytes.toString("latin1", 8, 12) !== "WAVE") {
    throw new WavFormatError(source, "not a RIFF/WAVE file (missing RIFF or WAVE tag)");
  }

  let format: FmtChunk | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString("latin1", offset, offset + 4);
    const declaredSize = bytes.readUInt32LE(offset + 4);
    const body = offset + 8;

    if (id === "fmt ") {
      format = readFmtChunk(bytes, body, declaredSize, source);
    } else if (id === "data") {
      if (!format) {
        throw new WavFormatError(source, "data chunk comes before the fmt chunk");
      }
      if (format.formatTag !== FORMAT_PCM) {
        throw new WavFormatError(source, `audio format ${format.formatTag} is not integer PCM (1); convert it with ffmpeg -c:a pcm_s16le`);
      }
      const pcmFormat = { sampleRate: format.sampleRate, channels: format.channels, bitsPerSample: format.bitsPerSample };
      validateFormat(pcmFormat, source);
      const available = Math.min(declaredSize, bytes.length - body);
      const frameBytes = bytesPerFrame(pcmFormat);
      const usable = available - (available % frameBytes);
      return withLength({ ...pcmFormat, samples: Buffer.from(bytes.subarray(body, body + usable)) });
    }

    // Chunks are padded to an even length; the pad byte is not counted in the size.
    offset = body + declaredSize + (declaredSize % 2);
  }
  throw new WavFormatError(source, format ? "no data chunk found" : "no fmt chunk found");
}

/** Reads and parses a WAV file. */
export async function readWavFile(path: string): Promise<WavAudio> {
  return parseWav(await readFile(path), path);
}

/** Encodes PCM audio as a canonical 44-byte-header WAV file. */
export function encodeWav(audio: PcmAudio): Buffer {
  validateFormat(audio, "encodeWav input");
  const frameBytes = bytesPerFrame(audio);
  if (audio.samples.length % frameBytes !== 0) {
    throw new WavFormatError("encodeWav input", `${audio.samples.length} sample bytes is not a whole number of ${frameBytes}-byte frames`);
  }

  const header = Buffer.alloc(HEADER_BYTES);
  header.write("RIFF", 0, "latin1");
  header.writeUInt32LE(HEADER_BYTES - 8 + audio.samples.length, 4);
  header.write("WAVE", 8, "latin1");
  header.write("fmt ", 12, "latin1");
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(FORMAT_PCM, 20);
  header.writeUInt16LE(audio.channels, 22);
  header.writeUInt32LE(audio.sampleRate, 24);
  header.writeUInt32LE(audio.sampleRate * frameBytes, 28);
  header.writeUInt16LE(frameBytes, 32);
  header.writeUInt16LE(audio.bitsPerSample, 34);
  header.write("data", 36, "latin1");
  header.writeUInt32LE(audio.samples.length, 40);
  return Buffer.concat([header, audio.samples]);
}

/** Encodes and writes a WAV file. */
export async function writeWavFile(path: string, audio: PcmAudio): Promise<void> {
  await writeFile(path, encodeWav(audio));
}

/** Converts seconds to a whole number of frames at `sampleRate`, rounding to the nearest frame. */
export function secondsToFrames(seconds: number, sampleRate: number): number {
  return Math.round(seconds * sampleRate);
}

/** Creates `seconds` of digital silence (rounded to the nearest frame). */
export function createSilence(format: PcmFormat, seconds: number): WavAudio {
  validateFormat(format, "createSilence format");
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new RangeError(`invalid silence length ${seconds} s; expected a finite number >= 0`);
  }
  const frames = secondsToFrames(seconds, format.sampleRate);
  const samples = Buffer.alloc(frames * bytesPerFrame(format));
  // 8-bit PCM is unsigned, so its silence is 0x80 rather than 0.
  if (format.bitsPerSample === 8) samples.fill(0x80);
  return withLength({ ...format, samples });
}

function sameFormat(a: PcmFormat, b: PcmFormat): boolean {
  return a.sampleRate === b.sampleRate && a.channels === b.channels && a.bitsPerSample === b.bitsPerSample;
}

function describeFormat(format: PcmFormat): string {
  return `${format.sampleRate} Hz, ${format.channels} channel(s), ${format.bitsPerSample}-bit`;
}

/**
 * Joins audio parts of one format, with `gapSeconds` of silence between
 * consecutive parts (none before the first or after the last).
 */
export function concatWavs(parts: readonly PcmAudio[], options: { gapSeconds?: number } = {}): WavAudio {
  const first = parts[0];
  if (!first) {
    throw new RangeError("concatWavs needs at least one part");
  }
  const gap = createSilence(first, options.gapSeconds ?? 0).samples;

  const chunks: Buffer[] = [];
  parts.forEach((part, index) => {
    if (!sameFormat(part, first)) {
      throw new WavFormatError(
        `part ${index}`,
        `format ${describeFormat(part)} differs from part 0 (${describeFormat(first)}); resample before joining`,
      );
    }
    if (index > 0 && gap.length > 0) chunks.push(gap);
    chunks.push(part.samples);
  });

  return withLength({
    sampleRate: first.sampleRate,
    channels: first.channels,
    bitsPerSample: first.bitsPerSample,
    samples: Buffer.concat(chunks),
  });
}

/** Views 16-bit PCM sample bytes as signed integers (copying only when the buffer is misaligned). */
export function int16Samples(audio: PcmAudio): Int16Array {
  if (audio.bitsPerSample !== 16) {
    throw new WavFormatError("int16Samples input", `audio is ${audio.bitsPerSample}-bit; expected 16-bit`);
  }
  if (audio.samples.byteOffset % 2 === 0) {
    return new Int16Array(audio.samples.buffer, audio.samples.byteOffset, audio.samples.length / 2);
  }
  return new Int16Array(new Uint8Array(audio.samples).buffer);
}

/** Wraps 16-bit signed samples as PCM audio without copying. */
export function fromInt16Samples(samples: Int16Array, format: Omit<PcmFormat, "bitsPerSample">): WavAudio {
  const bytes = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  return withLength({ ...format, bitsPerSample: 16, samples: bytes });
}
