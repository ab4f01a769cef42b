/** Reads the container and stream facts of a media file with `ffprobe -print_format json`. */
import { execFile } from "node:child_process";
import { SubprocessError } from "../errors.js";
import { MediaError } from "./media-error.js";
import { formatCommandLine } from "./run-ffmpeg.js";

/** One stream of a probed file. */
export interface ProbedStream {
  index: number;
  type: "video" | "audio" | "subtitle" | "data" | "attachment" | "unknown";
  /** ffprobe's `codec_name`, for example `h264`, `aac` or `mov_text`. */
  codec: string;
  width?: number;
  height?: number;
  pixFmt?: string;
  /** Stream duration in seconds; the container duration when the stream has none. */
  durationSeconds: number;
  sampleRate?: number;
  channels?: number;
  /** Frames or packets in the stream, when the container records it. */
  frameCount?: number;
}

/** Container and stream facts of one file, as ffprobe reports them. */
export interface MediaProbe {
  /** Container duration in seconds. */
  durationSeconds: number;
  /** ffprobe's `format_name`, for example `mov,mp4,m4a,3gp,3g2,mj2`. */
  formatName: string;
  streams: ProbedStream[];
}

/** How to run ffprobe. */
export interface ProbeOptions {
  ffprobePath: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const STDERR_TAIL_CHARS = 2_000;

/** Shape of the parts of ffprobe's JSON that are read here. */
interface FfprobeJson {
  format?: { duration?: string; format_name?: string };
  streams?: {
    index?: number;
    codec_type?: string;
    codec_name?: string;
    width?: number;
    height?: number;
    pix_fmt?: string;
    duration?: string;
    sample_rate?: string;
    channels?: number;
    nb_frames?: string;
  }[];
}

/**
 * Probes `filePath`. Rejects with SubprocessError when ffprobe fails, and with
 * MediaError when neither the container nor a stream has a duration (a still image, for example).
 */
export async function probeMedia(filePath: string, options: ProbeOptions): Promise<MediaProbe> {
  const args = ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", "--", filePath];
  const stdout = await runFfprobe(args, options);

  let parsed: FfprobeJson;
  try {
    parsed = JSON.parse(stdout) as FfprobeJson;
  } catch (error) {
    throw new MediaError(filePath, `ffprobe printed invalid JSON for ${filePath}; run the probe command by hand to see why`, {
      cause: error,
    });
  }

  // Some containers (raw streams, some WebM) record durations only per stream.
  const streamDurations = (parsed.streams ?? []).map((stream) => toNumber(stream.duration)).filter((value) => value !== undefined);
  const containerDuration = toNumber(parsed.format?.duration) ?? (streamDurations.length > 0 ? Math.max(...streamDurations) : undefined);
  if (containerDuration === undefined) {
    throw new MediaError(filePath, `ffprobe found no duration in ${filePath}; the file is not a finished audio or video file`);
  }

  return {
    durationSeconds: containerDuration,
    formatName: parsed.format?.format_name ?? "",
    streams: (parsed.streams ?? []).map((stream, position) => {
      const probed: ProbedStream = {
        index: stream.index ?? position,
        type: streamType(stream.codec_type),
        codec: stream.codec_name ?? "unknown",
        durationSeconds: toNumber(stream.duration) ?? containerDuration,
      };
      if (stream.width !== undefined) probed.width = stream.width;
      if (stream.height !== undefined) probed.height = stream.height;
      if (stream.pix_fmt !== undefined) probed.pixFmt = stream.pix_fmt;
      const sampleRate = toNumber(stream.sample_rate);
      if (sampleRate !== undefined) probed.sampleRate = sampleRate;
      if (stream.channels !== undefined) probed.channels = stream.channels;
      const frameCount = toNumber(stream.nb_frames);
      if (frameCount !== undefined) probed.frameCount = frameCount;
      return probed;
    }),
  };
}

function runFfprobe(args: string[], options: ProbeOptions): Promise<string> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    execFile(
      options.ffprobePath,
      args,
      { timeout: timeoutMs, killSignal: "SIGKILL", signal: options.signal, maxBuffer: 16 * 1024 * 1024, windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) {
          resolve(stdout);
          return;
        }
        const tail = stderr.trim().slice(-STDERR_TAIL_CHARS);
        const exitCode = typeof error.code === "number" ? error.code : null;
        const reason = options.signal?.aborted
          ? "was aborted"
          : error.killed
            ? `timed out after ${timeoutMs} ms`
            : exitCode !== null
              ? `exited with code ${exitCode}`
              : `failed (${error.message})`;
        const filePath = args.at(-1) ?? "";
        reject(
          new SubprocessError(
            options.ffprobePath,
            args,
            exitCode,
            tail,
            `ffprobe ${reason} on ${filePath}${tail ? `: ${tail.split("\n").at(-1)}` : ""}\n` +
              `command: ${formatCommandLine(options.ffprobePath, args)}`,
            { cause: error },
          ),
        );
      },
    );
  });
}

function streamType(codecType: string | undefined): ProbedStream["type"] {
  switch (codecType) {
    case "video":
    case "audio":
    case "subtitle":
    case "data":
    case "attachment":
      return codecType;
    default:
      return "unknown";
  }
}

function toNumber(value: string | number | undefined): number | undefined {
  if (value === undefined || value === "N/A") return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}
