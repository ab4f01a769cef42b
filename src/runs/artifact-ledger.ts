/**
 * The artifact ledger: one SQLite row per stored artifact of a run (key,
 * URL, SHA-256, size, content type, node, chapter, time). Listing a run's
 * artifacts reads this table, so it never lists the bucket, which on S3 or
 * GCS costs one request per page plus one per object.
 */
import type Database from "better-sqlite3";
import { openWorkspaceDatabase } from "./workspace-database.js";
import type { PutBody, PutResult, StorageAdapter } from "../adapters/storage/storage-adapter.js";

/** One artifact as recorded. */
export interface ArtifactRecord {
  runId: string;
  /** Storage key, as the caller passed it to `put` (without the bucket's key prefix). */
  key: string;
  url: string;
  sha256: string;
  bytes: number;
  contentType: string;
  /** Graph node that wrote the artifact. */
  node: string;
  /** Zero-based chapter index; omitted for run-level artifacts. */
  chapterIndex?: number;
  /** ISO 8601 time of the first recording. */
  createdAt: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS doc2video_artifacts (
  run_id TEXT NOT NULL,
  key TEXT NOT NULL,
  url TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  node TEXT NOT NULL,
  chapter_index INTEGER,
  created_at TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
);
`;

interface ArtifactRow {
  run_id: string;
  key: string;
  url: string;
  sha256: string;
  bytes: number;
  content_type: string;
  node: string;
  chapter_index: number | null;
  created_at: string;
}

function toRecord(row: ArtifactRow): ArtifactRecord {
  return {
    runId: row.run_id,
    key: row.key,
    url: row.url,
    sha256: row.sha256,
    bytes: row.bytes,
    contentType: row.content_type,
    node: row.node,
    ...(row.chapter_index === null ? {} : { chapterIndex: row.chapter_index }),
    createdAt: row.created_at,
  };
}

/** Artifact rows in a SQLite database, usually the run database of the workspace. */
export class ArtifactLedger {
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

  /**
   * Records an artifact. Recording the same (run, key) again updates the row
   * but keeps its first `createdAt`, so a re-run never adds a duplicate.
   */
  record(artifact: ArtifactRecord): void {
    this.open()
      .prepare(
        `INSERT INTO doc2video_artifacts (run_id, key, url, sha256, bytes, content_type, node, chapter_index, created_at)
         VALUES (@runId, @key, @url, @sha256, @bytes, @contentType, @node, @chapterIndex, @createdAt)
         ON CONFLICT (run_id, key) DO UPDATE SET
           url = excluded.url, sha256 = excluded.sha256, bytes = excluded.bytes,
           content_type = excluded.content_type, node = excluded.node, chapter_index = excluded.chapter_index`,
      )
      .run({ ...artifact, chapterIndex: artifact.chapterIndex ?? null });
  }

  /** Lists a run's artifacts ordered by key. */
  list(runId: string): ArtifactRecord[] {
    const rows = this.open()
      .prepare(`SELECT * FROM doc2video_artifacts WHERE run_id = ? ORDER BY key`)
      .all(runId) as ArtifactRow[];
    return rows.map(toRecord);
  }

  /** Returns one artifact, or `undefined` when the run has none under `key`. */
  get(runId: string, key: string): ArtifactRecord | undefined {
    const row = this.open()
      .prepare(`SELECT * FROM doc2video_artifacts WHERE run_id = ? AND key = ?`)
      .get(runId, key) as ArtifactRow | undefined;
    return row ? toRecord(row) : undefined;
  }
}

/** The artifact `putArtifact` stores and records. */
export interface PutArtifactInput {
  runId: string;
  key: string;
  body: PutBody;
  node: string;
  chapterIndex?: number;
  /** MIME type; guessed from the key's extension when omitted. */
  contentType?: string;
  /** Extra object metadata, such as the hash of the inputs that produced the artifact. */
  metadata?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * Stores an artifact through `storage` and records it in `ledger`. The put
 * is create-only, so calling this again from a re-run node is a no-op that
 * still returns the stored object.
 */
export async function putArtifact(
  storage: StorageAdapter,
  ledger: ArtifactLedger,
  input: PutArtifactInput,
): Promise<PutResult> {
  const metadata: Record<string, string> = { ...input.metadata, run: input.runId, node: input.node };
  if (input.chapterIndex !== undefined) metadata.chapter = String(input.chapterIndex);
  const result = await storage.put(input.key, input.body, {
    contentType: input.contentType,
    metadata,
    signal: input.signal,
  });
  ledger.record({
    runId: input.runId,
    key: result.key,
    url: result.url,
    sha256: result.sha256,
    bytes: result.bytes,
    contentType: result.contentType,
    node: input.node,
    chapterIndex: input.chapterIndex,
    createdAt: new Date().toISOString(),
  });
  return result;
}
