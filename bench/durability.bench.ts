/**
 * Durability benchmark: what checkpointing costs a run, and what a kill costs.
 *
 * - Checkpoint overhead: time in the SQLite checkpointer's `put` and
 *   `putWrites` as a share of an in-process run's wall time.
 * - Bytes per checkpoint: sizes of the serialised checkpoints and task
 *   writes the run left in SQLite.
 * - Time to first new work: from spawning `doc2video --thread <id>` to the
 *   first node execution the resumer records.
 * - Kill cost: a CLI run is SIGKILLed (whole process group) halfway through
 *   its clean wall time and resumed. The cost is the killed run's total wall
 *   time (up to the kill plus the resume) minus the clean run's.
 *
 * The document is the first five chapters of a shared-corpus novel, each cut
 * to about 2,000 characters, narrated at about 20 seconds a chapter.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { loadConfig } from "../src/config.js";
import { startRun } from "../src/runs/run-executor.js";
import { createServices } from "../src/services.js";
import type { BenchContext, BenchSection } from "./bench-section.js";

const RUN_FLAGS = ["--target-seconds", "20", "--min-seconds", "10", "--max-seconds", "30", "--fps", "2"];
const CHAPTERS = 5;
const CHAPTER_CHARS = 2000;
const TRIALS = 3;

function writeBenchDocument(context: BenchContext): string {
  const source = readFileSync(path.resolve(context.repoRoot, "../shared/corpus/hound-of-the-baskervilles.md"), "utf8");
  const parts = source.split(/^##\s+(Chapter \d+\..*?)\s*$/m).slice(1);
  const lines = ["# The Hound of the Baskervilles, opening chapters", ""];
  for (let index = 0; index < CHAPTERS; index++) {
    const title = parts[index * 2]!;
    const body = parts[index * 2 + 1]!.trim();
    const cut = body.lastIndexOf("\n\n", CHAPTER_CHARS);
    lines.push(`## ${title}`, "", body.slice(0, cut > 0 ? cut : CHAPTER_CHARS), "");
  }
  const filePath = path.join(context.scratchDir, "hound-opening.md");
  writeFileSync(filePath, lines.join("\n"));
  return filePath;
}

interface CliRun {
  exited: Promise<number | null>;
  killGroup(): void;
}

function startCli(context: BenchContext, args: string[]): CliRun {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: context.repoRoot,
    env: { ...process.env, LOG_LEVEL: "silent" },
    stdio: "ignore",
    detached: true,
  });
  return {
    exited: new Promise((resolve) => child.once("close", (code) => resolve(code))),
    killGroup: () => process.kill(-child.pid!, "SIGKILL"),
  };
}

function runIdIn(workspace: string): string {
  const db = new Database(path.join(workspace, "checkpoints.sqlite"), { readonly: true });
  try {
    return (db.prepare(`SELECT run_id FROM doc2video_runs`).get() as { run_id: string }).run_id;
  } finally {
    db.close();
  }
}

function lastNodeRunId(workspace: string): number {
  const db = new Database(path.join(workspace, "checkpoints.sqlite"), { readonly: true });
  try {
    return (db.prepare(`SELECT COALESCE(MAX(id), 0) AS id FROM doc2video_node_runs`).get() as { id: number }).id;
  } finally {
    db.close();
  }
}

function firstNodeStartAfter(workspace: string, nodeRunId: number): number {
  const db = new Database(path.join(workspace, "checkpoints.sqlite"), { readonly: true });
  try {
    const row = db.prepare(`SELECT started_at FROM doc2video_node_runs WHERE id > ? ORDER BY id LIMIT 1`).get(nodeRunId) as
      | { started_at: string }
      | undefined;
    if (!row) throw new Error("the resumed run recorded no node execution");
    return Date.parse(row.started_at);
  } finally {
    db.close();
  }
}

/** Runs the document in process and reads checkpoint time and sizes. */
async function measureCheckpoints(context: BenchContext, document: string) {
  const workspace = mkdtempSync(path.join(context.scratchDir, "in-process-"));
  const config = loadConfig(
    { workspace, logLevel: "silent", run: { targetNarrationSeconds: 20, minNarrationSeconds: 10, maxNarrationSeconds: 30, fps: 2 } },
    {},
  );
  const services = createServices(config);
  const outcome = await startRun(document, config.runDefaults, { config, services });
  const db = new Database(services.paths.checkpointsDb, { readonly: true });
  try {
    const checkpoints = db
      .prepare(
        `SELECT COUNT(*) AS count, AVG(LENGTH(checkpoint) + LENGTH(metadata)) AS mean, MAX(LENGTH(checkpoint) + LENGTH(metadata)) AS max
         FROM checkpoints WHERE thread_id = ?`,
      )
      .get(outcome.runId) as { count: number; mean: number; max: number };
    const writes = db
      .prepare(`SELECT COUNT(*) AS count, AVG(LENGTH(value)) AS mean FROM writes WHERE thread_id = ?`)
      .get(outcome.runId) as { count: number; mean: number };
    const stats = outcome.checkpoints!;
    return { outcome, checkpoints, writes, stats };
  } finally {
    db.close();
    services.registry.close();
    services.ledger.close();
    services.callLedger.close();
  }
}

/** Times one clean CLI run, then one killed halfway and resumed. */
async function measureKill(context: BenchContext, document: string) {
  const cleanWorkspace = mkdtempSync(path.join(context.scratchDir, "clean-"));
  const cleanStarted = performance.now();
  const clean = startCli(context, ["--workspace", cleanWorkspace, "run", document, ...RUN_FLAGS]);
  if ((await clean.exited) !== 0) throw new Error("the clean run failed");
  const cleanMs = performance.now() - cleanStarted;

  const workspace = mkdtempSync(path.join(context.scratchDir, "killed-"));
  const killedStarted = performance.now();
  const killed = startCli(context, ["--workspace", workspace, "run", document, ...RUN_FLAGS]);
  const killAtMs = cleanMs / 2;
  await new Promise((resolve) => setTimeout(resolve, killAtMs));
  killed.killGroup();
  await killed.exited;
  const killedMs = performance.now() - killedStarted;

  const before = lastNodeRunId(workspace);
  const resumeStartedWall = Date.now();
  const resumeStarted = performance.now();
  const resumed = startCli(context, ["--workspace", workspace, "--thread", runIdIn(workspace)]);
  if ((await resumed.exited) !== 0) throw new Error("the resumed run failed");
  const resumeMs = performance.now() - resumeStarted;
  const firstWorkMs = firstNodeStartAfter(workspace, before) - resumeStartedWall;
  return { cleanMs, killedMs, resumeMs, firstWorkMs, costMs: killedMs + resumeMs - cleanMs };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const section: BenchSection = {
  title: "Durable runs (checkpoints, resume, kill cost)",
  async run(context) {
    const document = writeBenchDocument(context);
    const { outcome, checkpoints, writes, stats } = await measureCheckpoints(context, document);
    const trials = [];
    for (let trial = 0; trial < TRIALS; trial++) trials.push(await measureKill(context, document));
    const overhead = stats.milliseconds / (outcome.elapsedSeconds * 1000);

    return [
      `Document: the first ${CHAPTERS} chapters of The Hound of the Baskervilles, about ${CHAPTER_CHARS} characters each,`,
      `run with \`${RUN_FLAGS.join(" ")}\` (1920x1080). SQLite checkpointer in WAL mode, default durability.`,
      "",
      "| measure | value |",
      "|---|---:|",
      `| run wall time (in process) | ${seconds(outcome.elapsedSeconds * 1000)} |`,
      `| checkpoint saves | ${stats.checkpoints} checkpoints, ${stats.writeBatches} write batches |`,
      `| time writing checkpoints | ${seconds(stats.milliseconds)} (${(overhead * 100).toFixed(2)} % of the run) |`,
      `| bytes per checkpoint | mean ${Math.round(checkpoints.mean).toLocaleString("en-US")}, max ${checkpoints.max.toLocaleString("en-US")} (${checkpoints.count} stored) |`,
      `| bytes per task write | mean ${Math.round(writes.mean).toLocaleString("en-US")} (${writes.count} stored) |`,
      `| \`--thread\` to first new node (median of ${TRIALS}) | ${seconds(median(trials.map((trial) => trial.firstWorkMs)))} |`,
      `| clean CLI run (median) | ${seconds(median(trials.map((trial) => trial.cleanMs)))} |`,
      `| kill at half the clean time, then resume: extra wall time (median) | ${seconds(median(trials.map((trial) => trial.costMs)))} |`,
      "",
      "Per trial (clean run, killed run until the kill, resume, extra wall time):",
      "",
      ...trials.map(
        (trial, index) =>
          `- trial ${index + 1}: ${seconds(trial.cleanMs)}, ${seconds(trial.killedMs)}, ${seconds(trial.resumeMs)}, ${seconds(trial.costMs)}`,
      ),
      "",
      "The extra wall time includes starting a new process (Node.js and tsx load the CLI) and redoing the",
      "stage the kill cut off, less what content-addressed reuse and the call archive saved.",
    ].join("\n");
  },
};

export default section;
