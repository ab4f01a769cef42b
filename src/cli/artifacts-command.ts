/**
 * `artifacts <run id>`: lists a run's stored artifacts from the artifact
 * ledger in the workspace database. It reads no storage backend, so on S3
 * or GCS it sends no request and needs no credentials.
 */
import type { Command } from "commander";
import { RunError } from "../errors.js";
import { ArtifactLedger, type ArtifactRecord } from "../runs/artifact-ledger.js";
import { RunRegistry } from "../runs/run-registry.js";
import { workspacePaths } from "../workspace.js";
import { configFromFlags, type GlobalFlags } from "./run-command.js";
import { requireExistingWorkspace } from "./existing-workspace.js";

/** One artifact as `artifacts --json` prints it. */
export interface ArtifactListing {
  key: string;
  bytes: number;
  content_type: string;
  node: string;
  /** Zero-based chapter index, or `null` for run-level artifacts such as the source and the manifest. */
  chapter_index: number | null;
  url: string;
  sha256: string;
  created_at: string;
}

/** Converts a ledger row to its `--json` form. */
export function toArtifactListing(record: ArtifactRecord): ArtifactListing {
  return {
    key: record.key,
    bytes: record.bytes,
    content_type: record.contentType,
    node: record.node,
    chapter_index: record.chapterIndex ?? null,
    url: record.url,
    sha256: record.sha256,
    created_at: record.createdAt,
  };
}

/** Formats a byte count with a binary unit, for example `512 B` or `1.5 MiB`. */
function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Renders the artifacts as a table with one row each and a closing total line. */
export function formatArtifactTable(records: ArtifactRecord[]): string {
  const header = ["KEY", "SIZE", "CONTENT TYPE", "NODE", "CHAPTER", "URL"];
  const rows = records.map((record) => [
    record.key,
    formatBytes(record.bytes),
    record.contentType,
    record.node,
    record.chapterIndex === undefined ? "-" : String(record.chapterIndex + 1),
    record.url,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const lines = [header, ...rows].map((row) =>
    row
      .map((cell, column) => {
        if (column === row.length - 1) return cell;
        // Sizes are right-aligned so their digits line up. Every other column is left-aligned text.
        return column === 1 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!);
      })
      .join("  "),
  );
  const totalBytes = records.reduce((total, record) => total + record.bytes, 0);
  lines.push("", `${records.length} artifacts, ${formatBytes(totalBytes)}`);
  return `${lines.join("\n")}\n`;
}

/** Registers `artifacts <run id>`. */
export function registerArtifactsCommand(program: Command): void {
  program
    .command("artifacts")
    .description("list a run's stored artifacts (key, size, content type, node, chapter, URL) from the run database")
    .argument("<run-id>", "run id, as printed by `run` or listed by `runs`")
    .option("--json", "print JSON on stdout")
    .action((runId: string, _flags: unknown, command: Command) => {
      // The program also defines --json (for --thread), and commander hands the flag to the
      // program wherever it appears, so it is read from the merged options.
      const flags = command.optsWithGlobals<GlobalFlags & { json?: boolean }>();
      const config = configFromFlags(flags);
      requireExistingWorkspace(config);
      const paths = workspacePaths(config.workspace);
      const registry = new RunRegistry(paths.checkpointsDb);
      const ledger = new ArtifactLedger(paths.checkpointsDb);
      try {
        const records = ledger.list(runId);
        // Runs started outside the CLI (LangGraph Studio) may have ledger rows but no registry row.
        if (records.length === 0 && !registry.get(runId)) {
          throw new RunError(runId, `run ${runId} not found in ${paths.checkpointsDb}; list runs with \`pnpm agent runs\``);
        }
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(records.map(toArtifactListing), null, 2)}\n`);
          return;
        }
        if (records.length === 0) {
          process.stdout.write(`run ${runId} has stored no artifacts yet; resume it with \`pnpm agent --thread ${runId}\`\n`);
          return;
        }
        process.stdout.write(formatArtifactTable(records));
      } finally {
        ledger.close();
        registry.close();
      }
    });
}
