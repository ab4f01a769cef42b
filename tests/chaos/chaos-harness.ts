/**
 * Shared pieces of the kill-and-resume tests. They cover a five-chapter
 * document, a seeded random number generator, and a CLI child in its own
 * process group that a test can SIGKILL as a whole. They also find processes
 * a kill left behind and take snapshots of storage and the call ledger to
 * compare with a clean run.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { sha256OfBuffer } from "../../src/adapters/storage/body.js";
import type { StorageAdapter } from "../../src/adapters/storage/storage-adapter.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/** CLI flags that keep a five-chapter run near ten seconds on two cores. */
export const CHAOS_RUN_FLAGS = ["--target-seconds", "12", "--min-seconds", "6", "--max-seconds", "16", "--fps", "2"];

const TOPICS: [string, string[]][] = [
  ["Tides", ["moon", "shore", "channel", "sandbar", "pool", "rock"]],
  ["Boats", ["hull", "mast", "rudder", "keel", "oar", "sail"]],
  ["Nets", ["knot", "float", "mesh", "line", "weight", "mend"]],
  ["Gulls", ["wing", "nest", "cliff", "call", "egg", "feather"]],
  ["Storms", ["wind", "wave", "cloud", "rain", "thunder", "swell"]],
];

/** Writes a five-chapter Markdown document with distinct sentences per chapter and returns its path. */
export function writeFiveChapterDocument(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), "doc2video-chaos-doc-"));
  const lines = ["# Harbour Notes", ""];
  for (const [title, words] of TOPICS) {
    lines.push(`## ${title}`, "");
    for (const [position, word] of words.entries()) {
      lines.push(
        `The ${word} matters to every ${title.toLowerCase()} watcher in the harbour, and note ${position + 1} in the log explains why the ${word} changes with the season.`,
      );
    }
    lines.push("");
  }
  const filePath = path.join(folder, "harbour.md");
  writeFileSync(filePath, lines.join("\n"));
  return filePath;
}

/** Mulberry32: a small seeded generator, so a failing kill schedule can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A CLI process started in its own process group. */
export interface CliProcess {
  child: ChildProcess;
  /** Environment marker shared by the CLI and every process it starts. */
  marker: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or `null` when killed) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once `pattern` appears on stdout or stderr; rejects if the process exits first. */
  waitForOutput(pattern: RegExp): Promise<void>;
  /** Sends SIGKILL to the whole process group and waits for the CLI to exit. */
  killGroup(): Promise<void>;
}

/** Environment variable that marks every process a test's CLI started. */
export const MARKER_VARIABLE = "DOC2VIDEO_TEST_MARKER";

/** Starts `doc2video <args>` in a new process group. */
export function startCli(args: string[], env: Record<string, string> = {}): CliProcess {
  const marker = randomUUID();
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: "silent", [MARKER_VARIABLE]: marker, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let stdout = "";
  let stderr = "";
  const listeners = new Set<() => void>();
  child.stdout!.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const listener of listeners) listener();
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const listener of listeners) listener();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("close", (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    marker,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitForOutput(pattern) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(stdout) || pattern.test(stderr)) {
            listeners.delete(check);
            resolve();
          }
        };
        listeners.add(check);
        check();
        void exited.then(() => {
          if (listeners.delete(check)) reject(new Error(`CLI exited before printing ${pattern}:\n${stdout}\n${stderr}`));
        });
      });
    },
    async killGroup() {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
      }
      await exited;
    },
  };
}

/** Returns `pid command` of every live process whose environment carries `marker`. */
export function processesWithMarker(marker: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, "utf8");
      if (!environ.includes(`${MARKER_VARIABLE}=${marker}`)) continue;
      const status = readFileSync(`/proc/${entry}/stat`, "utf8");
      // A zombie has been killed and only waits for its parent to collect it.
      if (/^\d+ \(.*\) Z /.test(status)) continue;
      found.push(`${entry} ${readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ").trim()}`);
    } catch {
      // The process exited while being read.
    }
  }
  return found;
}

/** Waits up to `timeoutMs` for every process carrying `marker` to end; returns those still alive. */
export async function survivingProcesses(marker: string, timeoutMs = 3000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = processesWithMarker(marker);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    alive = processesWithMarker(marker);
  }
  return alive;
}

/** Returns the run id from `run <id>` on stdout. */
export function runIdOf(cli: CliProcess): string {
  const match = /^run (\S+)$/m.exec(cli.stdout());
  if (!match) throw new Error(`no run id in output:\n${cli.stdout()}\n${cli.stderr()}`);
  return match[1]!;
}

/**
 * Lists a run's stored objects as `key -> sha256`, with the run id in keys
 * replaced by `<run>`. JSON objects name the run and, in their URLs, the
 * workspace. They are hashed after replacing both, so two runs of the same
 * document compare equal. The manifest's indexing counters record
 * what the last indexChunks execution did (a re-run after a kill skips
 * chunks the killed one had added), so they are left out of its hash.
 * Call records carry the call's own timing, which differs between any two
 * runs, so their latency and timestamps are left out too.
 */
export async function storageSnapshot(
  storage: StorageAdapter,
  runId: string,
  location: string,
): Promise<Map<string, string>> {
  const snapshot = new Map<string, string>();
  for await (const info of storage.list(`runs/${runId}/`)) {
    const key = info.key.replaceAll(runId, "<run>");
    let sha256 = info.sha256;
    if (info.key.endsWith(".json")) {
      let text = (await storage.get(info.key)).toString("utf8").replaceAll(runId, "<run>").replaceAll(location, "<location>");
      if (info.key.endsWith("manifest/manifest.json")) {
        const manifest = JSON.parse(text) as { index?: Record<string, unknown> };
        if (manifest.index) manifest.index = { collection: manifest.index.collection, chunkCount: manifest.index.chunkCount };
        text = JSON.stringify(manifest);
      }
      if (info.key.includes("/calls/")) {
        const { latencyMs: _latency, startedAt: _started, finishedAt: _finished, ...record } = JSON.parse(text) as Record<string, unknown>;
        text = JSON.stringify(record);
      }
      sha256 = sha256OfBuffer(text);
    }
    snapshot.set(key, sha256);
  }
  return snapshot;
}

/** One row of the call ledger, as the tests read it. */
export interface LedgerCall {
  id: number;
  callHash: string;
  provider: string;
  kind: string;
  node: string;
  chapterIndex: number | null;
  nodeRunId: number | null;
  status: string;
  pid: number;
}

/** Reads a run's call ledger and node executions straight from the workspace database. */
export function readLedger(workspace: string, runId: string): { calls: LedgerCall[]; nodeStatus: Map<number, string> } {
  const db = new Database(path.join(workspace, "checkpoints.sqlite"), { readonly: true });
  try {
    const calls = db
      .prepare(
        `SELECT id, call_hash AS callHash, provider, kind, node, chapter_index AS chapterIndex, node_run_id AS nodeRunId, status, pid
         FROM doc2video_calls WHERE run_id = ? ORDER BY id`,
      )
      .all(runId) as LedgerCall[];
    const nodeRows = db.prepare(`SELECT id, status FROM doc2video_node_runs WHERE run_id = ?`).all(runId) as { id: number; status: string }[];
    return { calls, nodeStatus: new Map(nodeRows.map((row) => [row.id, row.status])) };
  } finally {
    db.close();
  }
}

/** Archived call hashes per kind, sorted, for comparing two runs. */
export function archivedHashesByKind(calls: LedgerCall[]): Record<string, string[]> {
  const byKind: Record<string, string[]> = {};
  for (const call of calls) {
    if (call.status !== "archived") continue;
    (byKind[call.kind] ??= []).push(call.callHash);
  }
  for (const hashes of Object.values(byKind)) hashes.sort();
  return byKind;
}

/**
 * Returns the archived rows that repeat an earlier archived row of the same
 * hash although the node execution that made the earlier one finished: a
 * result paid for twice with no kill to explain it.
 */
export function unexplainedRepeats(calls: LedgerCall[], nodeStatus: Map<number, string>): LedgerCall[] {
  const firstArchived = new Map<string, LedgerCall>();
  const repeats: LedgerCall[] = [];
  for (const call of calls) {
    if (call.status !== "archived") continue;
    const earlier = firstArchived.get(call.callHash);
    if (!earlier) {
      firstArchived.set(call.callHash, call);
      continue;
    }
    const earlierNode = earlier.nodeRunId === null ? undefined : nodeStatus.get(earlier.nodeRunId);
    if (earlierNode !== "aborted") repeats.push(call);
  }
  return repeats;
}
