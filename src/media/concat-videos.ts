/**
 * Joins chapter MP4s into one document MP4.
 *
 * Video: the concat demuxer with stream copy when every input has the same
 * H.264 parameters, else a re-encode with the chapter settings. Each list
 * entry gets `inpoint 0`, because otherwise the demuxer shifts each file by
 * the AAC priming delay (about 21 ms) and chapters drift. Each entry also gets
 * `outpoint <video duration>`, which drops the zero-length closing frame that
 * composeChapterVideo puts at a chapter's end. The frame before it keeps its
 * recorded duration, so the joined video ends exactly at the sum. A re-encode
 * keeps the last input's closing frame, because there the encoder, not the
 * source file, sets the last frame's duration and would end the video at the
 * last frame's start.
 *
 * Audio: always decoded per input and re-encoded. Copying AAC packets across
 * files keeps each file's 1024 priming samples and adds about 21–28 ms per
 * chapter (measured with ffmpeg N-47683). Each input's audio is padded or cut
 * to its video duration, so audio and video stay in step at every chapter boundary.
 */
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  AUDIO_SAMPLE_RATE,
  VIDEO_TIME_BASE,
  audioEncoderOptions,
  exactAudioFilter,
  fitFrameFilter,
  mp4ContainerOptions,
  videoEncoderOptions,
} from "./encoding-settings.js";
import { resolveFfmpegBinaries, type FfmpegBinaries } from "./ffmpeg-binaries.js";
import { MediaError } from "./media-error.js";
import { writeThroughPartialFile } from "./partial-output.js";
import { probeMedia, type MediaProbe, type ProbedStream } from "./probe.js";
import { runFfmpeg, type FfmpegInput, type FfmpegProgress } from "./run-ffmpeg.js";

/** Options for joining videos. */
export interface ConcatVideosOptions {
  signal?: AbortSignal;
  onProgress?: (progress: FfmpegProgress) => void;
  binaries?: FfmpegBinaries;
  /** Kill ffmpeg after this long; defaults to 60 s plus the joined duration. */
  timeoutMs?: number;
}

/** The joined file and how it was made. */
export interface ConcatenatedVideo {
  outputPath: string;
  /** Container duration as ffprobe reports it, in seconds. */
  durationSeconds: number;
  /** True when the video was copied, false when the inputs differed and it was re-encoded. */
  videoCopied: boolean;
}

/** Allowed gap between the joined duration and the sum of the inputs, per input joined, in seconds. */
export const CONCAT_TOLERANCE_PER_INPUT_SECONDS = 0.1;

/** Allowed gap between the audio and video stream durations of the result, in seconds. */
const SYNC_TOLERANCE_SECONDS = 0.1;

/** An input with the stream facts the join needs. */
interface ProbedInput {
  path: string;
  video: ProbedStream;
  durationSeconds: number;
  hasSubtitles: boolean;
}

/** Joins `inputs` in order into `outputPath`, replacing any file there only when the join succeeded. */
export async function concatVideos(
  inputs: readonly string[],
  outputPath: string,
  options: ConcatVideosOptions = {},
): Promise<ConcatenatedVideo> {
  if (inputs.length === 0) {
    throw new MediaError(outputPath, `no videos to join into ${outputPath}; pass at least one chapter video`);
  }
  const binaries = options.binaries ?? (await resolveFfmpegBinaries());

  const probed: ProbedInput[] = [];
  for (const input of inputs) {
    probed.push(describeInput(input, await probeMedia(input, { ffprobePath: binaries.ffprobe.path, signal: options.signal })));
  }
  const first = probed[0] as ProbedInput;
  const videoCopied = probed.every((input) => sameVideoParameters(input.video, first.video));
  // The concat demuxer takes its streams from the first file, so subtitles are kept only when every input has them.
  const keepSubtitles = probed.every((input) => input.hasSubtitles);
  const totalSeconds = probed.reduce((sum, input) => sum + input.durationSeconds, 0);

  return writeThroughPartialFile(outputPath, async (partialPath) => {
    const listPath = `${partialPath}.ffconcat`;
    await writeFile(listPath, concatList(probed, videoCopied));
    try {
      await runFfmpeg(
        { ...buildJob(listPath, probed, { videoCopied, keepSubtitles, totalSeconds }), outputPath: partialPath },
        {
          ffmpegPath: binaries.ffmpeg.path,
          signal: options.signal,
          timeoutMs: options.timeoutMs ?? 60_000 + 1_000 * totalSeconds,
          expectedDurationSeconds: totalSeconds,
          onProgress: options.onProgress,
        },
      );
    } finally {
      await rm(listPath, { force: true });
    }
    const result = await probeMedia(partialPath, { ffprobePath: binaries.ffprobe.path, signal: options.signal });
    assertJoinedDurations(result, outputPath, totalSeconds, probed.length);
    return { outputPath, durationSeconds: result.durationSeconds, videoCopied };
  });
}

function describeInput(inputPath: string, probe: MediaProbe): ProbedInput {
  const video = probe.streams.find((stream) => stream.type === "video");
  const audio = probe.streams.find((stream) => stream.type === "audio");
  if (!video || !audio) {
    throw new MediaError(
      inputPath,
      `${inputPath} has no ${video ? "audio" : "video"} stream; only chapter videos with both can be joined`,
    );
  }
  return {
    path: path.resolve(inputPath),
    video,
    durationSeconds: video.durationSeconds,
    hasSubtitles: probe.streams.some((stream) => stream.type === "subtitle" && stream.codec === "mov_text"),
  };
}

function sameVideoParameters(video: ProbedStream, reference: ProbedStream): boolean {
  return (
    video.codec === "h264" &&
    video.codec === reference.codec &&
    video.width === reference.width &&
    video.height === reference.height &&
    video.pixFmt === reference.pixFmt
  );
}

/** Renders an ffconcat list; paths are single-quoted with `'` written as `'\''`. */
function concatList(inputs: readonly ProbedInput[], videoCopied: boolean): string {
  const lines = ["ffconcat version 1.0"];
  inputs.forEach((input, index) => {
    lines.push(`file '${input.path.replace(/'/g, "'\\''")}'`, "inpoint 0");
    const seconds = input.durationSeconds.toFixed(6);
    const keepClosingFrame = !videoCopied && index === inputs.length - 1;
    lines.push(keepClosingFrame ? `duration ${seconds}` : `outpoint ${seconds}`);
  });
  return `${lines.join("\n")}\n`;
}

function buildJob(
  listPath: string,
  inputs: readonly ProbedInput[],
  mode: { videoCopied: boolean; keepSubtitles: boolean; totalSeconds: number },
): { inputs: FfmpegInput[]; filterComplex: string; outputOptions: string[] } {
  const ffmpegInputs: FfmpegInput[] = [{ path: listPath, options: ["-f", "concat", "-safe", "0"] }];
  const filters: string[] = [];
  const audioLabels: string[] = [];

  inputs.forEach((input, index) => {
    ffmpegInputs.push({ path: input.path });
    const sampleCount = Math.round(input.durationSeconds * AUDIO_SAMPLE_RATE);
    filters.push(`[${index + 1}:a]${exactAudioFilter(sampleCount)}[a${index}]`);
    audioLabels.push(`[a${index}]`);
  });
  filters.push(`${audioLabels.join("")}concat=n=${audioLabels.length}:v=0:a=1[aout]`);

  const outputOptions: string[] = [];
  if (mode.videoCopied) {
    outputOptions.push("-map", "0:v", "-c:v", "copy");
  } else {
    const first = inputs[0] as ProbedInput;
    const width = evenAtLeastTwo(first.video.width);
    const height = evenAtLeastTwo(first.video.height);
    // Decoders drop a chapter's closing frame (it lies at the end of the MP4 edit list), so
    // the decoded video would end at the last frame's start. tpad clones that frame once,
    // one frame step later, and setpts pulls the clone back to the exact end time.
    // The one-input interleave leaves the output without a frame rate, so ffmpeg (N-47683
    // and 5.1 both) gives the clone no duration, as in composeChapterVideo. With a frame
    // rate, 5.1 gives the clone one, and the video runs a frame step too long.
    // NOTE: when the last frame is more than one frame step (of the input's frame rate)
    // before the end, the video still ends early and the duration check below rejects it.
    const endMs = Math.round(mode.totalSeconds * 1000);
    const videoFilter = [
      fitFrameFilter(width, height),
      `settb=${VIDEO_TIME_BASE}`,
      "tpad=stop_mode=clone:stop=1",
      `setpts=min(PTS\\,${endMs})`,
      "interleave=nb_inputs=1",
    ].join(",");
    // A simple filter graph, not part of -filter_complex: when the frame size changes between
    // inputs, ffmpeg rebuilds the graph that the video runs through, and a rebuilt audio
    // chain would start counting samples again.
    outputOptions.push("-map", "0:v", "-filter:v", videoFilter, ...videoEncoderOptions());
  }
  outputOptions.push("-map", "[aout]", ...audioEncoderOptions());
  if (mode.keepSubtitles) outputOptions.push("-map", "0:s", "-c:s", "copy");
  outputOptions.push(...mp4ContainerOptions());

  return { inputs: ffmpegInputs, filterComplex: filters.join(";"), outputOptions };
}

function evenAtLeastTwo(size: number | undefined): number {
  const value = Math.max(2, Math.round(size ?? 2));
  return value - (value % 2);
}

function assertJoinedDurations(result: MediaProbe, outputPath: string, totalSeconds: number, inputCount: number): void {
  const video = result.streams.find((stream) => stream.type === "video");
  const audio = result.streams.find((stream) => stream.type === "audio");
  const tolerance = CONCAT_TOLERANCE_PER_INPUT_SECONDS * inputCount;
  const problems: string[] = [];
  for (const stream of [video, audio]) {
    if (!stream) {
      problems.push("a video or audio stream is missing");
    } else if (Math.abs(stream.durationSeconds - totalSeconds) > tolerance) {
      problems.push(`${stream.type} lasts ${stream.durationSeconds.toFixed(3)} s instead of ${totalSeconds.toFixed(3)} s`);
    }
  }
  if (video && audio && Math.abs(video.durationSeconds - audio.durationSeconds) > SYNC_TOLERANCE_SECONDS) {
    problems.push(`audio (${audio.durationSeconds.toFixed(3)} s) and video (${video.durationSeconds.toFixed(3)} s) differ`);
  }
  if (problems.length > 0) {
    throw new MediaError(outputPath, `joined video ${outputPath} came out wrong: ${problems.join("; ")}; check the inputs with ffprobe`);
  }
}
