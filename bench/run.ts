/**
 * `pnpm bench [section ...] [-- options]`: runs every `bench/*.bench.ts`
 * section, or only the named ones, and writes each section's Markdown into
 * bench/REPORT.md. Sections that were not run keep their previous text, so
 * one section can be re-measured without losing the others.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BenchSection } from "./bench-section.js";

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(benchDir, "..");
const reportPath = path.join(benchDir, "REPORT.md");

function describeMachine(): string {
  const cpus = os.cpus();
  return [
    `- CPU: ${cpus.length} x ${cpus[0]?.model ?? "unknown"}`,
    `- Memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- OS: ${os.type()} ${os.release()} (${os.arch()})`,
    `- Node.js: ${process.version}`,
  ].join("\n");
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((load) => load.toFixed(1))
    .join(", ");
}

function sectionBlock(name: string, title: string, command: string, body: string, loadBefore: string): string {
  // Other work on the machine slows every number, so the load is part of the record.
  return [
    `<!-- section:${name} -->`,
    `## ${title}`,
    "",
    `Measured ${new Date().toISOString()} with \`${command}\`.`,
    `Load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAverage()}.`,
    "",
    body.trim(),
    `<!-- /section:${name} -->`,
  ].join("\n");
}

function mergeReport(previous: string, blocks: Map<string, string>, order: string[]): string {
  const existing = new Map<string, string>();
  for (const match of previous.matchAll(/<!-- section:([\w-]+) -->[\s\S]*?<!-- \/section:\1 -->/g)) {
    existing.set(match[1] as string, match[0]);
  }
  for (const [name, block] of blocks) existing.set(name, block);
  const names = [...new Set([...order, ...existing.keys()])].filter((name) => existing.has(name));
  return [
    "# Benchmarks",
    "",
    "Each section is written by `bench/run.ts`; rerun one with `pnpm bench <section>`.",
    "",
    "## Machine",
    "",
    describeMachine(),
    "",
    ...names.map((name) => `${existing.get(name)}\n`),
  ].join("\n");
}

async function main(argv: string[]): Promise<void> {
  const separator = argv.indexOf("--");
  const selected = separator >= 0 ? argv.slice(0, separator) : argv.filter((arg) => !arg.startsWith("-"));
  const args = separator >= 0 ? argv.slice(separator + 1) : argv.filter((arg) => arg.startsWith("-"));
  const available = readdirSync(benchDir)
    .filter((file) => file.endsWith(".bench.ts"))
    .map((file) => file.slice(0, -".bench.ts".length))
    .sort();
  const unknown = selected.filter((name) => !available.includes(name));
  if (unknown.length > 0) {
    throw new Error(`unknown bench section ${unknown.join(", ")}; available: ${available.join(", ")}`);
  }
  const toRun = selected.length > 0 ? selected : available;
  const command = ["pnpm bench", ...argv].join(" ");

  const blocks = new Map<string, string>();
  for (const name of toRun) {
    const module = (await import(pathToFileURL(path.join(benchDir, `${name}.bench.ts`)).href)) as { default: BenchSection };
    const scratchDir = mkdtempSync(path.join(os.tmpdir(), `doc2video-bench-${name}-`));
    process.stderr.write(`bench: running ${name}\n`);
    const loadBefore = loadAverage();
    try {
      const body = await module.default.run({ args, scratchDir, repoRoot });
      blocks.set(name, sectionBlock(name, module.default.title, command, body, loadBefore));
      process.stdout.write(`${blocks.get(name)}\n\n`);
    } finally {
      rmSync(scratchDir, { recursive: true, force: true });
    }
  }

  const previous = existsSync(reportPath) ? readFileSync(reportPath, "utf8") : "";
  writeFileSync(reportPath, mergeReport(previous, blocks, available));
  process.stderr.write(`bench: wrote ${path.relative(repoRoot, reportPath)}\n`);
}

await main(process.argv.slice(2));
