#!/usr/bin/env node
/**
 * The doc2video command line: `run <file>`, resume with `--thread <id>`,
 * `runs`, `show <id>` and `search <query>`.
 */
import { setMaxListeners } from "node:events";
import { Command, CommanderError } from "commander";
import { Doc2VideoError } from "../errors.js";
import { registerArtifactsCommand } from "./artifacts-command.js";
import { jsonRequested, registerRunCommand, resumeFromFlags, type GlobalFlags } from "./run-command.js";
import { registerRunsCommand } from "./runs-command.js";
import { registerSearchCommand } from "./search.js";
import { registerShowCommand } from "./show-command.js";

function buildProgram(): Command {
  const program = new Command()
    .name("doc2video")
    .description("Turn long documents into narrated chapter videos, with runs that survive crashes and resume.")
    .option("--workspace <dir>", "folder for checkpoints, the vector index and local storage (default: ./workspace or DOC2VIDEO_WORKSPACE)")
    .option("--thread <run-id>", "resume the run with this id from its last checkpoint")
    .option("--json", "with --thread: print the summary as JSON")
    .option("-v, --verbose", "log each node start and finish to stderr")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText(
      "after",
      `
Examples:
  pnpm agent run examples/tidewater-field-guide.md
  pnpm agent --thread <run-id>        resume an interrupted or failed run
  pnpm agent runs                     list runs
  pnpm agent show <run-id>            status, stage times and outputs
  pnpm agent search "tide pools" -k 5 search indexed documents`,
    )
    .action(async (flags: GlobalFlags & { json?: boolean }, command: Command) => {
      if (!flags.thread) {
        command.help();
        return;
      }
      await resumeFromFlags(flags.thread, flags, flags.json === true);
    });

  registerRunCommand(program);
  program
    .command("resume")
    .description("resume a run from its last checkpoint (same as --thread)")
    .argument("<run-id>", "run id")
    .option("--json", "print the summary as JSON on stdout")
    .action(async (runId: string, flags: { json?: boolean }, command: Command) => {
      await resumeFromFlags(runId, command.optsWithGlobals<GlobalFlags>(), jsonRequested(command));
    });
  registerRunsCommand(program);
  registerShowCommand(program);
  registerArtifactsCommand(program);
  registerSearchCommand(program);
  return program;
}

// Every chapter task, and each subprocess inside it, listens on the run's abort
// signal, so a long book legitimately passes Node's default of 10 listeners.
setMaxListeners(500);

// A reader that stops early (`pnpm agent runs | head`) closes the pipe; that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram().exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`doc2video: ${message}\n`);
    // Our own errors explain themselves; anything else is a bug, so show where it came from.
    const verbose = argv.includes("-v") || argv.includes("--verbose");
    if (error instanceof Error && error.stack && (verbose || !(error instanceof Doc2VideoError))) {
      process.stderr.write(`${error.stack}\n`);
    }
    process.exitCode = 1;
  }
}

await main(process.argv);
