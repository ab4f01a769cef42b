/**
 * Runs one ffmpeg command through fluent-ffmpeg with an abort signal, a
 * timeout and progress reports, and turns every failure into a
 * SubprocessError that carries the command line and the stderr tail.
 */
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import path from "node:path";
import ffmpeg from "fluent-ffmpeg";
import { SubprocessError } from "../errors.js";
import { getLogger } from "../logger.js";

/** One `-i` input and the options placed before it. */
export interface FfmpegInput {
  path: string;
  options?: readonly string[];
}

/** A whole ffmpeg command with a single file output. */
export interface FfmpegJob {
  inputs: readonly FfmpegInput[];
  /** Value of `-filter_complex`. Its outputs are selected with `-map` in `outputOptions`. */
  filterComplex?: string;
  outputOptions: readonly string[];
  outputPath: string;
}

/** How far an encode has got. */
export interface FfmpegProgress {
  /** Output time written so far, in seconds. */
  processedSeconds: number;
  /** 0–100, present when the expected output duration is known. */
  percent?: number;
}

/** How to run a job. */
export interface RunFfmpegOptions {
  ffmpegPath: string;
  signal?: AbortSignal;
  /** The process is killed after this many milliseconds. */
  timeoutMs: number;
  /** Output duration in seconds, used to turn processed time into a percentage. */
  expectedDurationSeconds?: number;
  onProgress?: (progress: FfmpegProgress) => void;
}

/** Lines of stderr that fluent-ffmpeg keeps. The error carries the last few. */
const STDERR_LINES_KEPT = 200;
const STDERR_TAIL_LINES = 15;

// Placed before the first input. `-nostdin` stops ffmpeg from reading keys from
// the pipe fluent-ffmpeg opens as its stdin.
const GLOBAL_OPTIONS = ["-hide_banner", "-nostdin"];

const log = getLogger("ffmpeg");

/**
 * Returns the argument list fluent-ffmpeg spawns for `job`: each input's
 * options and `-i`, then `-y`, the filter graph, the output options and the
 * output path.
 */
export function ffmpegArguments(job: FfmpegJob): string[] {
  const args: string[] = [];
  job.inputs.forEach((input, index) => {
    if (index === 0) args.push(...GLOBAL_OPTIONS);
    args.push(...(input.options ?? []), "-i", input.path);
  });
  args.push("-y");
  if (job.filterComplex !== undefined) args.push("-filter_complex", job.filterComplex);
  args.push(...job.outputOptions, job.outputPath);
  return args;
}

/** Runs `job` to completion; rejects with SubprocessError on failure, timeout or abort. */
export async function runFfmpeg(job: FfmpegJob, options: RunFfmpegOptions): Promise<void> {
  // fluent-ffmpeg 2.1.3 throws a TypeError from inside a spawn "error" event when the program
  // cannot start, and never emits its own "error" event, so a missing program is caught here.
  // NOTE: a bare name such as "ffmpeg" is looked up on PATH only when spawned, so it is not checked here.
  if (options.ffmpegPath.includes(path.sep)) {
    try {
      await access(options.ffmpegPath, constants.X_OK);
    } catch (error) {
      throw new SubprocessError(
        options.ffmpegPath,
        ffmpegArguments(job),
        null,
        "",
        `ffmpeg not found or not executable at ${options.ffmpegPath}; set FFMPEG_PATH or let resolveFfmpegBinaries find one`,
        { cause: error },
      );
    }
  }
  return runResolvedFfmpeg(job, options);
}

function runResolvedFfmpeg(job: FfmpegJob, options: RunFfmpegOptions): Promise<void> {
  const args = ffmpegArguments(job);
  const failure = (exitCode: number | null, stderr: string, reason: string, cause?: unknown): SubprocessError => {
    const tail = stderrTail(stderr);
    const lastLine = tail.split("\n").at(-1) ?? "";
    return new SubprocessError(
      options.ffmpegPath,
      args,
      exitCode,
      tail,
      `ffmpeg ${reason} while writing ${job.outputPath}${lastLine ? `: ${lastLine}` : ""}\n` +
        `command: ${formatCommandLine(options.ffmpegPath, args)}`,
      cause === undefined ? undefined : { cause },
    );
  };

  if (options.signal?.aborted) {
    return Promise.reject(failure(null, "", "was aborted before it started", options.signal.reason));
  }

  return new Promise<void>((resolve, reject) => {
    const command = buildCommand(job, options.ffmpegPath);
    let stopReason: "was aborted" | "timed out" | undefined;
    let spawned = false;

    const stop = (reason: "was aborted" | "timed out"): void => {
      if (stopReason) return;
      stopReason = reason;
      // Before the spawn, fluent-ffmpeg has no process to kill; the "start" handler kills it instead.
      if (spawned) command.kill("SIGKILL");
    };
    const onAbort = (): void => stop("was aborted");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(() => stop("timed out"), options.timeoutMs);
    const cleanUp = (): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
    };

    command.on("start", () => {
      spawned = true;
      log.debug({ command: formatCommandLine(options.ffmpegPath, args) }, "ffmpeg started");
      if (stopReason) command.kill("SIGKILL");
    });

    if (options.onProgress) {
      const onProgress = options.onProgress;
      command.on("stderr", (line: string) => {
        const processedSeconds = parseProgressTime(line);
        if (processedSeconds === undefined) return;
        const expected = options.expectedDurationSeconds;
        const percent = expected && expected > 0 ? Math.min(100, (processedSeconds / expected) * 100) : undefined;
        onProgress(percent === undefined ? { processedSeconds } : { processedSeconds, percent });
      });
    }

    // fluent-ffmpeg emits "end" and "error" only after the process has exited,
    // so no ffmpeg is left running once this promise settles.
    command.on("end", (_stdout: string | null, stderr: string | null) => {
      cleanUp();
      if (stopReason) {
        reject(stoppedError(stopReason, stderr ?? ""));
        return;
      }
      resolve();
    });
    command.on("error", (error: Error, _stdout: string | null, stderr: string | null) => {
      cleanUp();
      if (stopReason) {
        reject(stoppedError(stopReason, stderr ?? ""));
        return;
      }
      const exitCode = /exited with code (\d+)/.exec(error.message)?.[1];
      const reason = exitCode !== undefined ? `exited with code ${exitCode}` : `failed (${error.message.split("\n")[0]})`;
      reject(failure(exitCode === undefined ? null : Number(exitCode), stderr ?? "", reason, error));
    });

    const stoppedError = (reason: "was aborted" | "timed out", stderr: string): SubprocessError =>
      reason === "was aborted"
        ? failure(null, stderr, "was aborted", options.signal?.reason)
        : failure(null, stderr, `timed out after ${options.timeoutMs} ms`);

    command.run();
  });
}

function buildCommand(job: FfmpegJob, ffmpegPath: string): ffmpeg.FfmpegCommand {
  const command = ffmpeg({ stdoutLines: STDERR_LINES_KEPT });
  command.setFfmpegPath(ffmpegPath);
  job.inputs.forEach((input, index) => {
    command.input(input.path);
    const inputOptions = index === 0 ? [...GLOBAL_OPTIONS, ...(input.options ?? [])] : [...(input.options ?? [])];
    addOptions((...values) => command.inputOptions(...values), inputOptions);
  });
  if (job.filterComplex !== undefined) command.complexFilter(job.filterComplex);
  command.output(job.outputPath);
  addOptions((...values) => command.outputOptions(...values), [...job.outputOptions]);
  return command;
}

/**
 * Passes options as separate arguments. Given a single array, fluent-ffmpeg
 * splits every element that contains exactly one space into two arguments,
 * which would break paths and filter graphs. Given two or more arguments, it keeps them whole.
 */
function addOptions(add: (...values: string[]) => unknown, values: string[]): void {
  if (values.length === 0) return;
  if (values.length === 1) {
    const [only] = values as [string];
    if (only.split(" ").length === 2) {
      throw new Error(`ffmpeg option ${JSON.stringify(only)} would be split in two by fluent-ffmpeg; pass it with its value`);
    }
  }
  add(...values);
}

/** Reads the `time=HH:MM:SS.ss` field of an ffmpeg stats line. */
export function parseProgressTime(line: string): number | undefined {
  const match = /time=\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(line);
  if (!match) return undefined;
  const [, hours, minutes, seconds] = match as unknown as [string, string, string, string];
  return Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
}

/** Returns the last lines of stderr without the progress lines that ffmpeg rewrites in place. */
function stderrTail(stderr: string): string {
  const lines = stderr
    .split(/\r\n|\r|\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line.length > 0 && !/^(frame|size)=/.test(line.trimStart()));
  return lines.slice(-STDERR_TAIL_LINES).join("\n");
}

/** Renders a command line that can be pasted into a POSIX shell. */
export function formatCommandLine(program: string, args: readonly string[]): string {
  return [program, ...args].map(quoteForShell).join(" ");
}

function quoteForShell(value: string): string {
  if (/^[\w@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
