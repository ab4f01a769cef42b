/** `run <file>` and resuming with `--thread <id>`: start or continue a run and print its summary. */
import path from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { invocationDirectory, loadConfig, type AppConfig, type ConfigOverrides, type RunOptions } from "../config.js";
import { Doc2VideoError } from "../errors.js";
import { setLogLevel } from "../logger.js";
import { resumeRun, startRun, type RunOutcome } from "../runs/run-executor.js";
import { displayLocation, formatDuration } from "./format.js";
import { createProgressPrinter } from "./progress-printer.js";
import { requireExistingWorkspace } from "./existing-workspace.js";

/** Global flags every command accepts. */
export interface GlobalFlags {
  workspace?: string;
  verbose?: boolean;
  thread?: string;
  /** With `--thread`: resume although the source or configuration changed, restarting the affected stages. */
  force?: boolean;
}

/**
 * Returns true when `--json` was given. The program also defines `--json`
 * (for `--thread`), and commander hands the flag to it even when it follows a
 * subcommand, so the merged options are read.
 */
export function jsonRequested(command: Command): boolean {
  return command.optsWithGlobals<{ json?: boolean }>().json === true;
}

/** Loads configuration with the global flags applied. */
export function configFromFlags(flags: GlobalFlags, run?: Partial<RunOptions>): AppConfig {
  // The CLI reports failures itself in one line, so library logs stay quiet
  // unless --verbose or LOG_LEVEL requests them.
  const workspace = flags.workspace === undefined ? undefined : path.resolve(invocationDirectory(), flags.workspace);
  const overrides: ConfigOverrides = { workspace, run, defaultLogLevel: "fatal" };
  if (flags.verbose) overrides.logLevel = "info";
  const config = loadConfig(overrides);
  setLogLevel(config.logLevel);
  return config;
}

/** Aborts the run on Ctrl-C so subprocesses stop and the run is marked interrupted. */
function abortOnInterrupt(): AbortController {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\nreceived ${signal}; stopping (press Ctrl-C again to quit at once)\n`);
    controller.abort(new Doc2VideoError(`run interrupted by ${signal}`));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return controller;
}

/** Prints the end-of-run summary. */
export function printSummary(outcome: RunOutcome, json: boolean): void {
  const { state } = outcome;
  const videos = state.chapters.map((chapter) => state.artifacts[String(chapter.index)]?.video?.url ?? "");
  if (json) {
    process.stdout.write(
      `${JSON.stringify(
        {
          run_id: outcome.runId,
          chapters: state.chapters.length,
          total_duration_seconds: state.fullVideo?.durationSeconds ?? null,
          full_video_url: state.fullVideo?.url ?? null,
          manifest_url: state.manifest?.url ?? null,
          chapter_video_urls: videos,
          elapsed_seconds: outcome.elapsedSeconds,
          already_completed: outcome.alreadyCompleted === true,
        },
        null,
        2,
      )}\n`,
    );
    return;
  }
  const firstVideo = videos.find((url) => url !== "");
  const lines = [
    "",
    outcome.alreadyCompleted
      ? `run ${outcome.runId} completed (it had already finished; nothing was left to do)`
      : `run ${outcome.runId} completed`,
    `  document:     ${state.document?.title ?? "-"}`,
    `  chapters:     ${state.chapters.length}`,
    `  video length: ${formatDuration(state.fullVideo?.durationSeconds ?? 0)}`,
    `  full video:   ${state.fullVideo ? displayLocation(state.fullVideo.url) : "-"}`,
    `  run folder:   ${firstVideo ? path.dirname(path.dirname(path.dirname(displayLocation(firstVideo)))) : "-"}`,
    `  manifest:     ${state.manifest ? displayLocation(state.manifest.url) : "-"}`,
    `  elapsed:      ${formatDuration(outcome.elapsedSeconds)}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

interface RunFlags {
  targetSeconds?: number;
  minSeconds?: number;
  maxSeconds?: number;
  voice?: string;
  speechRate?: number;
  concurrency?: number;
  fps?: number;
  json?: boolean;
}

function parsePositive(raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new InvalidArgumentError("expected a positive number.");
  return value;
}

function parsePositiveInteger(raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new InvalidArgumentError("expected a whole number above 0.");
  return value;
}

/** Adds the resume command to a failure of a registered run, keeping the original error as `cause`. */
export class RunStoppedError extends Doc2VideoError {
  constructor(runId: string, error: unknown) {
    super(`${describeFailure(error)}\nrun ${runId} stopped; finished work is kept. Resume with: pnpm agent --thread ${runId}`, {
      cause: error,
    });
    this.name = "RunStoppedError";
  }
}

/** Returns the message of an error, unwrapping the AggregateError LangGraph raises when several tasks fail. */
export function describeFailure(error: unknown): string {
  const inner = (error as { errors?: unknown[] } | null)?.errors;
  if (Array.isArray(inner) && inner.length > 0) {
    const more = inner.length > 1 ? ` (and ${inner.length - 1} more failure${inner.length > 2 ? "s" : ""})` : "";
    return `${describeFailure(inner[0])}${more}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Registers `run <file>` and the global `--force` flag that `--thread` reads. */
export function registerRunCommand(program: Command): void {
  program.option(
    "--force",
    "with --thread: resume even if the source document or configuration changed, restarting the stages the change affects",
  );
  program
    .command("run")
    .description("turn a document into narrated chapter videos")
    .argument("<file>", "document to convert (Markdown or plain text)")
    .option("--target-seconds <s>", "narration length to aim for per chapter, in seconds", parsePositive)
    .option("--min-seconds <s>", "minimum narration per chapter, in seconds", parsePositive)
    .option("--max-seconds <s>", "maximum narration per chapter, in seconds", parsePositive)
    .option("--voice <name>", "espeak-ng voice, for example en-us or cmn (default: chosen from the document language)")
    .option("--speech-rate <wpm>", "speaking rate in words per minute", parsePositiveInteger)
    .option("--concurrency <n>", "chapters processed at the same time", parsePositiveInteger)
    .option("--fps <n>", "video frame rate", parsePositiveInteger)
    .option("--json", "print the summary as JSON on stdout")
    .action(async (file: string, flags: RunFlags, command: Command) => {
      const globals = command.optsWithGlobals<GlobalFlags>();
      const json = jsonRequested(command);
      const overrides: Partial<RunOptions> = {};
      if (flags.targetSeconds) overrides.targetNarrationSeconds = flags.targetSeconds;
      if (flags.minSeconds) overrides.minNarrationSeconds = flags.minSeconds;
      if (flags.maxSeconds) overrides.maxNarrationSeconds = flags.maxSeconds;
      if (flags.voice) overrides.voice = flags.voice;
      if (flags.speechRate) overrides.speechRate = Math.round(flags.speechRate);
      if (flags.concurrency) overrides.concurrency = Math.round(flags.concurrency);
      if (flags.fps) overrides.fps = Math.round(flags.fps);
      const config = configFromFlags(globals, overrides);
      const controller = abortOnInterrupt();
      let startedRunId: string | undefined;
      let outcome: RunOutcome;
      try {
        outcome = await startRun(path.resolve(invocationDirectory(), file), config.runDefaults, {
          config,
          signal: controller.signal,
          onProgress: createProgressPrinter(),
          onRunId: (runId) => {
            startedRunId = runId;
            // The run id comes first, so a user can resume even if the run dies at once.
            if (json) process.stderr.write(`run ${runId}\n`);
            else process.stdout.write(`run ${runId}\n`);
          },
        });
      } catch (error) {
        throw startedRunId ? new RunStoppedError(startedRunId, error) : error;
      }
      printSummary(outcome, json);
    });
}

/** Resumes the run named by `--thread` (or `resume <id>`). */
export async function resumeFromFlags(runId: string, globals: GlobalFlags, json = false): Promise<void> {
  const config = configFromFlags(globals);
  requireExistingWorkspace(config);
  const controller = abortOnInterrupt();
  process.stderr.write(`resuming run ${runId}\n`);
  let outcome: RunOutcome;
  try {
    outcome = await resumeRun(runId, {
      config,
      signal: controller.signal,
      onProgress: createProgressPrinter(),
      force: globals.force === true,
    });
  } catch (error) {
    // Errors raised before any work (unknown run, lock held, changed input) already name the next step.
    const registered = error instanceof Doc2VideoError && error.name === "RunError";
    throw registered ? error : new RunStoppedError(runId, error);
  }
  printSummary(outcome, json);
}
