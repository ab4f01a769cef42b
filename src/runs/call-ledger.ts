/**
 * The provider call ledger: one SQLite row per provider call a run made
 * (script writer, speech, slides, embeddings), kept in the run database so
 * `show` and the tests can prove that a resumed run paid for no archived
 * result twice.
 *
 * A row starts as `started` just before the provider is called. It becomes
 * `archived` once the result is stored where a resume finds it, `failed`
 * when the provider raised, and `interrupted` when the process died (or was
 * aborted) before the result was archived. A result found in the archive instead of
 * calling the provider gets a `replayed` row. Calls that a wrapper only sees
 * once archived (model and offline writer records in storage) are inserted
 * directly as `archived` or `failed`.
 */
import type Database from "better-sqlite3";
import { openWorkspaceDatabase } from "./workspace-database.js";

/** Status of a call; the module comment describes each. */
export type CallStatus = "started" | "archived" | "failed" | "interrupted" | "replayed";

/** The run, node and provider of a call, and its hash. */
export interface CallIdentityRow {
  runId: string;
  /** Hash of provider, model, parameters and input (see src/archive/call-hash.ts). */
  callHash: string;
  /** Provider name, for example `espeak` or `canvas`. */
  provider: string;
  /** Call type: `speech`, `slide`, or the archive record kind (`offline`, `chat`, `llm`, `embeddings`). */
  kind: string;
  node: string;
  /** Zero-based chapter index; omitted for run-level calls. */
  chapterIndex?: number;
  /** Row id of the node execution in `doc2video_node_runs`. */
  nodeRunId?: number;
}

/** One call as stored. */
export interface CallRow extends CallIdentityRow {
  id: number;
  status: CallStatus;
  /** Process that made the call. */
  pid: number;
  /** Location of the archived result: a storage key or a workspace path. */
  archiveKey: string | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

/** Per-provider totals of one run. */
export interface ProviderCallSummary {
  provider: string;
  kind: string;
  /** Calls made to the provider: archived, failed and interrupted ones. */
  performed: number;
  archived: number;
  replayed: number;
  failed: number;
  interrupted: number;
  /** Hashes archived more than once: results the run paid for twice. */
  repeatedHashes: string[];
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS doc2video_calls (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL,
  call_hash TEXT NOT NULL,
  provider TEXT NOT NULL,
  kind TEXT NOT NULL,
  node TEXT NOT NULL,
  chapter_index INTEGER,
  node_run_id INTEGER,
  status TEXT NOT NULL,
  pid INTEGER NOT NULL,
  archive_key TEXT,
  error TEXT,
  started_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE INDEX IF NOT EXISTS doc2video_calls_run_hash ON doc2video_calls(run_id, call_hash);
`;

interface Row {
  id: number;
  run_id: string;
  call_hash: string;
  provider: string;
  kind: string;
  node: string;
  chapter_index: number | null;
  node_run_id: number | null;
  status: CallStatus;
  pid: number;
  archive_key: string | null;
  error: string | null;
  started_at: string;
  finished_at: string | null;
}

function toCallRow(row: Row): CallRow {
  return {
    id: row.id,
    runId: row.run_id,
    callHash: row.call_hash,
    provider: row.provider,
    kind: row.kind,
    node: row.node,
    ...(row.chapter_index === null ? {} : { chapterIndex: row.chapter_index }),
    ...(row.node_run_id === null ? {} : { nodeRunId: row.node_run_id }),
    status: row.status,
    pid: row.pid,
    archiveKey: row.archive_key,
    error: row.error,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

/** Provider call rows in a SQLite database, usually the run database of the workspace. */
export class CallLedger {
  private db: Database.Database | undefined;

  constructor(readonly databasePath: string) {}

  /** Opens the database and creates the table on first use; both steps are idempotent. */
  private open(): Database.Database {
    this.db ??= openWorkspaceDatabase(this.databasePath, SCHEMA);
    return this.db;
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }

  private insert(call: CallIdentityRow, status: CallStatus, archiveKey?: string, error?: string): number {
    const now = new Date().toISOString();
    const result = this.open()
      .prepare(
        `INSERT INTO doc2video_calls (run_id, call_hash, provider, kind, node, chapter_index, node_run_id, status, pid, archive_key, error, started_at, finished_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        call.runId,
        call.callHash,
        call.provider,
        call.kind,
        call.node,
        call.chapterIndex ?? null,
        call.nodeRunId ?? null,
        status,
        process.pid,
        archiveKey ?? null,
        error ?? null,
        now,
        status === "started" ? null : now,
      );
    return Number(result.lastInsertRowid);
  }

  private finish(id: number, status: CallStatus, archiveKey: string | null, error: string | null): void {
    this.open()
      .prepare(`UPDATE doc2video_calls SET status = ?, archive_key = COALESCE(?, archive_key), error = ?, finished_at = ? WHERE id = ?`)
      .run(status, archiveKey, error, new Date().toISOString(), id);
  }

  /** Records a call about to be sent to its provider and returns the row id. */
  begin(call: CallIdentityRow): number {
    return this.insert(call, "started");
  }

  /** Marks a started call archived at `archiveKey`. */
  archived(id: number, archiveKey: string): void {
    this.finish(id, "archived", archiveKey, null);
  }

  /** Marks a started call failed (`interrupted` when it was aborted). */
  failed(id: number, error: string, interrupted = false): void {
    this.finish(id, interrupted ? "interrupted" : "failed", null, error);
  }

  /** Inserts a call that is seen only once its record is archived, for example a model call record. */
  recordArchived(call: CallIdentityRow, archiveKey: string): number {
    return this.insert(call, "archived", archiveKey);
  }

  /** Inserts a failed attempt that is seen only through its archived record. */
  recordFailed(call: CallIdentityRow, archiveKey: string, error: string): number {
    return this.insert(call, "failed", archiveKey, error);
  }

  /**
   * Records a result replayed from the archive instead of calling the
   * provider. When the archive contains the result but no row records it (the
   * process died between archiving and updating its row), the call's last
   * unfinished row is marked archived, so the ledger matches the archive.
   */
  recordReplay(call: CallIdentityRow, archiveKey: string): void {
    const db = this.open();
    db.transaction(() => {
      const archivedRow = db
        .prepare(`SELECT id FROM doc2video_calls WHERE run_id = ? AND call_hash = ? AND status = 'archived' LIMIT 1`)
        .get(call.runId, call.callHash);
      if (!archivedRow) {
        const unfinished = db
          .prepare(
            `SELECT id FROM doc2video_calls WHERE run_id = ? AND call_hash = ? AND status IN ('started', 'interrupted')
             ORDER BY id DESC LIMIT 1`,
          )
          .get(call.runId, call.callHash) as { id: number } | undefined;
        if (unfinished) this.finish(unfinished.id, "archived", archiveKey, null);
      }
      this.insert(call, "replayed", archiveKey);
    })();
  }

  /**
   * Marks the run's `started` calls as interrupted. Call it while holding the
   * run lock, when no live process can still be making them; returns how many rows changed.
   */
  markInterrupted(runId: string): number {
    const result = this.open()
      .prepare(
        `UPDATE doc2video_calls SET status = 'interrupted', error = 'the process stopped before the result was archived', finished_at = ?
         WHERE run_id = ? AND status = 'started'`,
      )
      .run(new Date().toISOString(), runId);
    return result.changes;
  }

  /** Lists a run's calls in the order they were made. */
  list(runId: string): CallRow[] {
    const rows = this.open().prepare(`SELECT * FROM doc2video_calls WHERE run_id = ? ORDER BY id`).all(runId) as Row[];
    return rows.map(toCallRow);
  }

  /** Totals per provider and kind, with the hashes archived more than once. */
  summarize(runId: string): ProviderCallSummary[] {
    const totals = new Map<string, ProviderCallSummary & { archivedHashes: Map<string, number> }>();
    for (const call of this.list(runId)) {
      const name = `${call.provider}\u0000${call.kind}`;
      let total = totals.get(name);
      if (!total) {
        total = {
          provider: call.provider,
          kind: call.kind,
          performed: 0,
          archived: 0,
          replayed: 0,
          failed: 0,
          interrupted: 0,
          repeatedHashes: [],
          archivedHashes: new Map(),
        };
        totals.set(name, total);
      }
      if (call.status === "replayed") {
        total.replayed += 1;
        continue;
      }
      total.performed += 1;
      if (call.status === "archived") {
        total.archived += 1;
        total.archivedHashes.set(call.callHash, (total.archivedHashes.get(call.callHash) ?? 0) + 1);
      }
      if (call.status === "failed") total.failed += 1;
      if (call.status === "interrupted") total.interrupted += 1;
    }
    return [...totals.values()].map(({ archivedHashes, ...total }) => ({
      ...total,
      repeatedHashes: [...archivedHashes].filter(([, count]) => count > 1).map(([hash]) => hash),
    }));
  }
}
