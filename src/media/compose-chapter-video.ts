/**
 * Builds one chapter MP4 (H.264 + AAC) from per-scene slide images and
 * narration WAVs, in a single ffmpeg run.
 *
 * Timing: every scene is rounded to whole milliseconds. Scene i's slide is
 * repeated at `fps` from its start (a `loop` filter on the single decoded
 * image, so the PNG is decoded once), and the streams of all scenes are
 * merged by timestamp with `interleave`. A last copy of the final slide is
 * placed exactly at the end time: the MP4 muxer gives the last frame no
 * duration, so the video stream ends at that frame's timestamp, which is the
 * total narration time. Each scene's audio is padded or cut to exactly its
 * scene's sample count, then concatenated, so slides and narration change together.
 */
import { access } from "node:fs/promises";
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
import { probeMedia, type MediaProbe } from "./probe.js";
import { runFfmpeg, type FfmpegInput, type FfmpegProgress } from "./run-ffmpeg.js";

/** One scene: its slide, its narration and how long both last. */
export interface ChapterScene {
  imagePath: string;
  audioPath: string;
  /** How long the slide shows, in seconds; the narration is padded with silence or cut to this length. */
  durationSeconds: number;
}

/** A chapter video request: scenes, frame size and rate, and output path. */
export interface ComposeChapterRequest {
  scenes: readonly ChapterScene[];
  outputPath: string;
  /** Frame size in pixels; both must be even for yuv420p. */
  width: number;
  height: number;
  /** Frames per second while a slide is showing. */
  fps: number;
  /** SRT (or WebVTT) file stored as a mov_text subtitle stream. */
  captionsPath?: string;
  signal?: AbortSignal;
  onProgress?: (progress: FfmpegProgress) => void;
  /** Programs to run; resolved from PATH or the npm packages when absent. */
  binaries?: FfmpegBinaries;
  /** Kill ffmpeg after this long; defaults to 60 s plus twice the narration time. */
  timeoutMs?: number;
}

/** The written chapter file and its duration. */
export interface ComposedChapter {
  outputPath: string;
  /** Container duration as ffprobe reports it, in seconds. */
  durationSeconds: number;
}

/** Largest allowed gap between the requested duration and each written stream, in seconds. */
export const DURATION_TOLERANCE_SECONDS = 0.1;

/** Shortest scene accepted; shorter ones would vanish when rounded to milliseconds. */
const MIN_SCENE_SECONDS = 0.01;
const MAX_FPS = 60;

/** A scene placed on the millisecond timeline. */
interface ScheduledScene extends ChapterScene {
  startMs: number;
  endMs: number;
  /** Video frames shown for this scene at the requested rate. */
  frameCount: number;
}

/** Composes the chapter at `request.outputPath`, replacing any file there only when the encode succeeded. */
export async function composeChapterVideo(request: ComposeChapterRequest): Promise<ComposedChapter> {
  validateRequest(request);
  await assertInputsExist(request);
  const binaries = request.binaries ?? (await resolveFfmpegBinaries());

  const scenes = scheduleScenes(request.scenes, request.fps);
  const totalMs = scenes.at(-1)?.endMs ?? 0;
  const totalSeconds = totalMs / 1000;
  const job = buildJob(request, scenes, totalMs);

  return writeThroughPartialFile(request.outputPath, async (partialPath) => {
    await runFfmpeg(
      { ...job, outputPath: partialPath },
      {
        ffmpegPath: binaries.ffmpeg.path,
        signal: request.signal,
        timeoutMs: request.timeoutMs ?? 60_000 + 2_000 * totalSeconds,
        expectedDurationSeconds: totalSeconds,
        onProgress: request.onProgress,
      },
    );
    const probe = await probeMedia(partialPath, { ffprobePath: binaries.ffprobe.path, signal: request.signal });
    assertStreamsMatch(probe, request, totalSeconds);
    return { outputPath: request.outputPath, durationSeconds: probe.durationSeconds };
  });
}

function validateRequest(request: ComposeChapterRequest): void {
  const { outputPath, width, height, fps, scenes } = request;
  if (scenes.length === 0) {
    throw new MediaError(outputPath, `chapter video ${outputPath} has no scenes; pass at least one scene`);
  }
  for (const [name, value] of [["width", width], ["height", height]] as const) {
    if (!Number.isInteger(value) || value <= 0 || value % 2 !== 0) {
      throw new MediaError(
        outputPath,
        `invalid ${name} ${value} for ${outputPath}: H.264 with yuv420p needs a positive even number of pixels`,
      );
    }
  }
  if (!Number.isFinite(fps) || fps <= 0 || fps > MAX_FPS) {
    throw new MediaError(outputPath, `invalid fps ${fps} for ${outputPath}: expected a number above 0 and at most ${MAX_FPS}`);
  }
  scenes.forEach((scene, index) => {
    if (!Number.isFinite(scene.durationSeconds) || scene.durationSeconds < MIN_SCENE_SECONDS) {
      throw new MediaError(
        outputPath,
        `invalid duration ${scene.durationSeconds} s for scene ${index + 1} of ${outputPath}: expected at least ${MIN_SCENE_SECONDS} s`,
      );
    }
  });
}

async function assertInputsExist(request: ComposeChapterRequest): Promise<void> {
  const files: [string, string][] = request.scenes.flatMap((scene, index): [string, string][] => [
    [`slide image of scene ${index + 1}`, scene.imagePath],
    [`narration of scene ${index + 1}`, scene.audioPath],
  ]);
  if (request.captionsPath !== undefined) files.push(["captions", request.captionsPath]);

  for (const [role, filePath] of files) {
    try {
      await access(filePath);
    } catch (error) {
      throw new MediaError(filePath, `${role} not found at ${filePath}; produce it before composing ${request.outputPath}`, {
        cause: error,
      });
    }
  }
}

/** Places scenes end to end on a millisecond timeline; rounding the running total keeps the end exact. */
function scheduleScenes(scenes: readonly ChapterScene[], fps: number): ScheduledScene[] {
  let elapsedSeconds = 0;
  return scenes.map((scene) => {
    const startMs = Math.round(elapsedSeconds * 1000);
    elapsedSeconds += scene.durationSeconds;
    const endMs = Math.round(elapsedSeconds * 1000);
    // Frames sit at startMs + trunc(k * 1000 / fps) for every k that is still before endMs.
    const frameCount = Math.max(1, Math.ceil(((endMs - startMs) * fps) / 1000 - 1e-9));
    return { ...scene, startMs, endMs, frameCount };
  });
}

// NOTE: ffmpeg decodes the first frame of every input before it starts, so memory grows with the scene count.
// Peak RSS with 1920x1080 PNG slides (ffmpeg N-47683): 220 MB for 4 scenes, 560 MB for 30, 915 MB for 60.
// Very long chapters would need composing in groups and joining.
function buildJob(request: ComposeChapterRequest, scenes: ScheduledScene[], totalMs: number) {
  const { width, height, fps } = request;
  const inputs: FfmpegInput[] = [];
  const filters: string[] = [];
  const videoLabels: string[] = [];
  const audioLabels: string[] = [];

  scenes.forEach((scene, index) => {
    inputs.push({ path: scene.imagePath });
    const isLast = index === scenes.length - 1;
    const prepared = `[${index}:v]${fitFrameFilter(width, height)},settb=${VIDEO_TIME_BASE}`;
    const repeat = `loop=loop=${scene.frameCount - 1}:size=1:start=0,setpts=${scene.startMs}+trunc(N*1000/${fps})`;
    if (isLast) {
      // The closing frame: one more copy of the last slide at the end time.
      filters.push(`${prepared},split=2[slide${index}][closing]`);
      filters.push(`[slide${index}]${repeat}[v${index}]`);
      filters.push(`[closing]setpts=${totalMs}[vclose]`);
    } else {
      filters.push(`${prepared},${repeat}[v${index}]`);
    }
    videoLabels.push(`[v${index}]`);
  });
  videoLabels.push("[vclose]");
  filters.push(`${videoLabels.join("")}interleave=nb_inputs=${videoLabels.length}[vout]`);

  scenes.forEach((scene, index) => {
    const inputIndex = scenes.length + index;
    inputs.push({ path: scene.audioPath });
    const sampleCount = ((scene.endMs - scene.startMs) * AUDIO_SAMPLE_RATE) / 1000;
    filters.push(`[${inputIndex}:a]${exactAudioFilter(sampleCount)}[a${index}]`);
    audioLabels.push(`[a${index}]`);
  });
  filters.push(`${audioLabels.join("")}concat=n=${audioLabels.length}:v=0:a=1[aout]`);

  const outputOptions = ["-map", "[vout]", "-map", "[aout]"];
  if (request.captionsPath !== undefined) {
    inputs.push({ path: request.captionsPath });
    outputOptions.push("-map", `${inputs.length - 1}:s`, "-c:s", "mov_text");
  }
  outputOptions.push(...videoEncoderOptions(), ...audioEncoderOptions(), ...mp4ContainerOptions());

  return { inputs, filterComplex: filters.join(";"), outputOptions };
}

function assertStreamsMatch(probe: MediaProbe, request: ComposeChapterRequest, totalSeconds: number): void {
  const video = probe.streams.find((stream) => stream.type === "video");
  const audio = probe.streams.find((stream) => stream.type === "audio");
  const problems: string[] = [];
  if (video?.codec !== "h264") problems.push(`video codec ${video?.codec ?? "missing"} instead of h264`);
  if (audio?.codec !== "aac") problems.push(`audio codec ${audio?.codec ?? "missing"} instead of aac`);
  for (const stream of [video, audio]) {
    if (stream && Math.abs(stream.durationSeconds - totalSeconds) > DURATION_TOLERANCE_SECONDS) {
      problems.push(`${stream.type} lasts ${stream.durationSeconds.toFixed(3)} s instead of ${totalSeconds.toFixed(3)} s`);
    }
  }
  if (problems.length > 0) {
    throw new MediaError(
      request.outputPath,
      `chapter video for ${request.outputPath} came out wrong: ${problems.join("; ")}; ` +
        "check the ffmpeg version (see resolveFfmpegBinaries) and report the inputs",
    );
  }
}
