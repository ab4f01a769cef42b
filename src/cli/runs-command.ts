/** `runs`: lists the runs of the workspace, newest first. */
import type { Command } from "commander";
import { RunRegistry } from "../runs/run-registry.js";
import { workspacePaths } from "../workspace.js";
import { runRecordJson } from "./format.js";
import { configFromFlags, jsonRequested, type GlobalFlags } from "./run-command.js";
import { workspaceExists } from "./existing-workspace.js";

/** Registers `runs`. */
export function registerRunsCommand(program: Command): void {
  program
    .command("runs")
    .description("list runs, newest first")
    .option("-n, --limit <n>", "how many runs to list", "20")
    .option("--json", "print JSON on stdout")
    .action((flags: { limit: string; json?: boolean }, command: Command) => {
      const config = configFromFlags(command.optsWithGlobals<GlobalFlags>());
      const json = jsonRequested(command);
      if (!workspaceExists(config)) {
        process.stdout.write(json ? "[]\n" : `no runs in ${config.workspace}; start one with \`pnpm agent run <file>\`\n`);
        return;
      }
      const registry = new RunRegistry(workspacePaths(config.workspace).checkpointsDb);
      try {
        const limit = Number(flags.limit);
        if (!Number.isInteger(limit) || limit <= 0) throw new Error(`invalid --limit ${JSON.stringify(flags.limit)}; expected a whole number above 0`);
        const runs = registry.list(limit);
        if (json) {
          process.stdout.write(`${JSON.stringify(runs.map(runRecordJson), null, 2)}\n`);
          return;
        }
        if (runs.length === 0) {
          process.stdout.write(`no runs in ${config.workspace}; start one with \`pnpm agent run <file>\`\n`);
          return;
        }
        const rows = runs.map((run) => [run.runId, run.status, run.createdAt.replace("T", " ").slice(0, 19), run.sourcePath]);
        const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]!.length), 6));
        const header = ["RUN", "STATUS", "CREATED", "SOURCE"];
        for (const row of [header, ...rows]) {
          process.stdout.write(`${row.map((cell, column) => (column < 3 ? cell.padEnd(widths[column]!) : cell)).join("  ")}\n`);
        }
      } finally {
        registry.close();
      }
    });
}
