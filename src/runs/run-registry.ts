/**
 * The run registry: one row per run (status, source, options, lock) and one
 * row per node execution, kept in the same SQLite file as the LangGraph
 * checkpoints so a workspace moves as one folder.
 *
 * The node log is what `show` uses for time accounting and what tests use to
 * prove that finished stages did not run again after a resume.
 */
import type Database from "better-sqlite3";
import { openWorkspaceDatabase } from "./workspace-database.js";
import os from "node:os";
import { RunError } from "../errors.js";

/** Lifecycle of a run. */
export type RunStatus = "running" | "interrupted" | "failed" | "completed";

/** One run as stored. */
export interface RunRecord {
  runId: string;
  sourcePath: string;
  sourceSha256: string;
  optionsJson: string;
  status: RunStatus;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  failedNode: string | null;
  failedChapter: number | null;
  error: string | null;
  lockPid: number | null;
  lockHost: string | null;
  /** JSON of the settings recorded by `runConfigSnapshot` when the run started; `null` for older runs. */
  configJson: string | null;
}

/** One node execution. */
export interface NodeRunRecord {
  id: number;
  runId: string;
  node: string;
  chapterIndex: number | null;
  status: "running" | "done" | "failed" | "aborted";
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  error: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS doc2video_runs (
  run_id TEXT PRIMARY KEY,
  source_path TEXT NOT NULL,
  source_sha256 TEXT NOT NULL DEFAULT '',
  options_json TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  finished_at TEXT,
  failed_node TEXT,
  failed_chapter INTEGER,
  error TEXT,
  lock_pid INTEGER,
  lock_host TEXT
);
CREATE TABLE IF NOT EXISTS doc2video_node_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL,
  node TEXT NOT NULL,
  chapter_index INTEGER,
  status TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  duration_ms INTEGER,
  error TEXT
);
CREATE INDEX IF NOT EXISTS doc2video_node_runs_run ON doc2video_node_runs(run_id);
`;

interface RunRow {
  run_id: string;
  source_path: string;
  source_sha256: string;
  options_json: string;
  status: RunStatus;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  failed_node: string | null;
  failed_chapter: number | null;
  error: string | null;
  lock_pid: number | null;
  lock_host: string | null;
  config_json: string | null;
}

function toRecord(row: RunRow): RunRecord {
  return {
    runId: row.run_id,
    sourcePath: row.source_path,
    sourceSha256: row.source_sha256,
    optionsJson: row.options_json,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
    failedNode: row.failed_node,
    failedChapter: row.failed_chapter,
    error: row.error,
    lockPid: row.lock_pid,
    lockHost: row.lock_host,
    configJson: row.config_json,
  };
}

/**
 * Reports a run stored as `running` whose lock holder is gone as
 * interrupted, because its process was killed. A holder on another host
 * cannot be checked and is trusted.
 */
function withLiveStatus(run: RunRecord): RunRecord {
  if (run.status !== "running") return run;
  const otherHost = run.lockHost !== null && run.lockHost !== os.hostname();
  if (otherHost) return run;
  if (run.lockPid !== null && processIsAlive(run.lockPid)) return run;
  return { ...run, status: "interrupted" };
}

/** Returns true when a process with `pid` exists on this machine. */
function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Run and node-execution records in a SQLite database. */
export class RunRegistry {
  private readonly db: Database.Database;

  constructor(databasePath: string) {
    this.db = openWorkspaceDatabase(databasePath, SCHEMA);
    this.addMissingColumns();
  }

  /** Adds columns introduced after the first release to databases created before them. */
  private addMissingColumns(): void {
    const columns = (this.db.prepare(`PRAGMA table_info(doc2video_runs)`).all() as { name: string }[]).map((column) => column.name);
    if (!columns.includes("config_json")) this.db.exec(`ALTER TABLE doc2video_runs ADD COLUMN config_json TEXT`);
  }

  close(): void {
    this.db.close();
  }

  /** Registers a new run, locked by this process. */
  create(run: { runId: string; sourcePath: string; sourceSha256: string; optionsJson: string; configJson?: string }): void {
    const now = new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO doc2video_runs (run_id, source_path, source_sha256, options_json, status, created_at, updated_at, lock_pid, lock_host, config_json)
         VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?)`,
      )
      .run(run.runId, run.sourcePath, run.sourceSha256, run.optionsJson, now, now, process.pid, os.hostname(), run.configJson ?? null);
  }

  /** Returns a run; a `running` run whose lock holder died is returned as `interrupted`. */
  get(runId: string): RunRecord | undefined {
    const row = this.db.prepare(`SELECT * FROM doc2video_runs WHERE run_id = ?`).get(runId) as RunRow | undefined;
    return row ? withLiveStatus(toRecord(row)) : undefined;
  }

  /** Lists runs, newest first. */
  list(limit = 50): RunRecord[] {
    const rows = this.db
      .prepare(`SELECT * FROM doc2video_runs ORDER BY created_at DESC LIMIT ?`)
      .all(limit) as RunRow[];
    return rows.map((row) => withLiveStatus(toRecord(row)));
  }

  /**
   * Takes the run's lock for this process. A lock held by a live process on
   * this host raises `RunError`; a lock left by a dead process is taken over.
   */
  acquireLock(runId: string): void {
    const take = this.db.transaction(() => {
      const run = this.get(runId);
      if (!run) throw new RunError(runId, `run ${runId} not found; list runs with \`pnpm agent runs\``);
      const holder = run.lockPid;
      const sameHost = run.lockHost === null || run.lockHost === os.hostname();
      if (holder !== null && holder !== process.pid && sameHost && processIsAlive(holder)) {
        throw new RunError(
          runId,
          `run ${runId} is already running (pid ${holder}); wait for it to finish, or stop that process and resume again`,
        );
      }
      this.db
        .prepare(`UPDATE doc2video_runs SET lock_pid = ?, lock_host = ?, status = 'running', updated_at = ? WHERE run_id = ?`)
        .run(process.pid, os.hostname(), new Date().toISOString(), runId);
    });
    take.immediate();
  }

  /** Releases the lock if this process holds it. */
  releaseLock(runId: string): void {
    this.db
      .prepare(`UPDATE doc2video_runs SET lock_pid = NULL, lock_host = NULL WHERE run_id = ? AND lock_pid = ?`)
      .run(runId, process.pid);
  }

  /** Records the run's outcome. */
  setStatus(
    runId: string,
    status: RunStatus,
    failure?: { node?: string; chapterIndex?: number; error?: string },
  ): void {
    const now = new Date().toISOString();
    this.db
      .prepare(
        `UPDATE doc2video_runs SET status = ?, updated_at = ?, finished_at = ?,
         failed_node = ?, failed_chapter = ?, error = ? WHERE run_id = ?`,
      )
      .run(
        status,
        now,
        status === "completed" ? now : null,
        failure?.node ?? null,
        failure?.chapterIndex ?? null,
        failure?.error ?? null,
        runId,
      );
  }

  /** Updates the stored source hash, options and configuration, after a `--force` restart. */
  updateInputs(runId: string, sourceSha256: string, optionsJson: string, configJson?: string): void {
    this.db
      .prepare(
        `UPDATE doc2video_runs SET source_sha256 = ?, options_json = ?, config_json = COALESCE(?, config_json), updated_at = ? WHERE run_id = ?`,
      )
      .run(sourceSha256, optionsJson, configJson ?? null, new Date().toISOString(), runId);
  }

  /** Records the start of a node execution and returns its id. */
  startNode(runId: string, node: string, chapterIndex?: number): number {
    const result = this.db
      .prepare(
        `INSERT INTO doc2video_node_runs (run_id, node, chapter_index, status, started_at) VALUES (?, ?, ?, 'running', ?)`,
      )
      .run(runId, node, chapterIndex ?? null, new Date().toISOString());
    return Number(result.lastInsertRowid);
  }

  /** Records the end of a node execution. */
  finishNode(id: number, status: NodeRunRecord["status"], durationMs: number, error?: string): void {
    this.db
      .prepare(`UPDATE doc2video_node_runs SET status = ?, finished_at = ?, duration_ms = ?, error = ? WHERE id = ?`)
      .run(status, new Date().toISOString(), Math.round(durationMs), error ?? null, id);
  }

  /** Lists node executions of a run in start order. */
  nodeRuns(runId: string): NodeRunRecord[] {
    const rows = this.db
      .prepare(`SELECT * FROM doc2video_node_runs WHERE run_id = ? ORDER BY id`)
      .all(runId) as {
      id: number;
      run_id: string;
      node: string;
      chapter_index: number | null;
      status: NodeRunRecord["status"];
      started_at: string;
      finished_at: string | null;
      duration_ms: number | null;
      error: string | null;
    }[];
    return rows.map((row) => ({
      id: row.id,
      runId: row.run_id,
      node: row.node,
      chapterIndex: row.chapter_index,
      status: row.status,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      durationMs: row.duration_ms,
      error: row.error,
    }));
  }

  /** Marks node executions left `running` by a killed process as aborted. */
  markStaleNodesAborted(runId: string): void {
    this.db
      .prepare(`UPDATE doc2video_node_runs SET status = 'aborted' WHERE run_id = ? AND status = 'running'`)
      .run(runId);
  }
}
