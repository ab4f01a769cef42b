/** `run <file>` and resuming with `--thread <id>`: start or continue a run and print its summary. */
import path from "node:path";
import type { Command } from "commander";
import { loadConfig, type AppConfig, type ConfigOverrides, type RunOptions } from "../config.js";
import { setLogLevel } from "../logger.js";
import { resumeRun, startRun, type RunOutcome } from "../runs/run-executor.js";
import { displayLocation, formatDuration } from "./format.js";
import { createProgressPrinter } from "./progress-printer.js";

/** Global flags every command accepts. */
export interface GlobalFlags {
  workspace?: string;
  verbose?: boolean;
  thread?: string;
  /** With `--thread`: resume although the source or configuration changed, restarting the affected stages. */
  force?: boolean;
}

/** Loads configuration with the global flags applied. */
export function configFromFlags(flags: GlobalFlags, run?: Partial<RunOptions>): AppConfig {
  const overrides: ConfigOverrides = { workspace: flags.workspace, run };
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
    controller.abort(new Error(`run interrupted by ${signal}`));
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
    `run ${outcome.runId} completed`,
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

function parsePositive(name: string) {
  return (raw: string): number => {
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`invalid ${name} ${JSON.stringify(raw)}; expected a positive number`);
    return value;
  };
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
    .option("--target-seconds <s>", "narration length to aim for per chapter, in seconds", parsePositive("--target-seconds"))
    .option("--min-seconds <s>", "minimum narration per chapter, in seconds", parsePositive("--min-seconds"))
    .option("--max-seconds <s>", "maximum narration per chapter, in seconds", parsePositive("--max-seconds"))
    .option("--voice <name>", "espeak-ng voice, for example en-us or cmn (default: chosen from the document language)")
    .option("--speech-rate <wpm>", "speaking rate in words per minute", parsePositive("--speech-rate"))
    .option("--concurrency <n>", "chapters processed at the same time", parsePositive("--concurrency"))
    .option("--fps <n>", "video frame rate", parsePositive("--fps"))
    .option("--json", "print the summary as JSON on stdout")
    .action(async (file: string, flags: RunFlags, command: Command) => {
      const globals = command.optsWithGlobals<GlobalFlags & { json?: boolean }>();
      // The program also defines --json (for --thread), and commander hands the flag to it.
      const json = flags.json === true || globals.json === true;
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
      const outcome = await startRun(file, config.runDefaults, {
        config,
        signal: controller.signal,
        onProgress: createProgressPrinter(),
        onRunId: (runId) => {
          // The run id comes first, so a user can resume even if the run dies at once.
          if (json) process.stderr.write(`run ${runId}\n`);
          else process.stdout.write(`run ${runId}\n`);
        },
      });
      printSummary(outcome, json);
    });
}

/** Resumes the run named by `--thread` (or `resume <id>`). */
export async function resumeFromFlags(runId: string, globals: GlobalFlags, json = false): Promise<void> {
  const config = configFromFlags(globals);
  const controller = abortOnInterrupt();
  process.stderr.write(`resuming run ${runId}\n`);
  const outcome = await resumeRun(runId, {
    config,
    signal: controller.signal,
    onProgress: createProgressPrinter(),
    force: globals.force === true,
  });
  printSummary(outcome, json);
}
