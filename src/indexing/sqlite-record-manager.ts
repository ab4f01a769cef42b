/**
 * A LangChain record manager on SQLite (better-sqlite3). It stores, per
 * namespace, which document hashes are in the vector store, their source id
 * and when they were last written, which is what `index()` needs to skip
 * unchanged chunks and clean up removed ones.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { ListKeyOptions, RecordManagerInterface, UpdateOptions } from "@langchain/core/indexing";

// SQLite allows at most 32,766 bound parameters; batches stay well below it.
const PARAMETER_BATCH_SIZE = 500;

/** Record manager persisted in one SQLite file, scoped to `namespace`. */
export class SqliteRecordManager implements RecordManagerInterface {
  readonly namespace: string;
  private readonly db: Database.Database;
  private lastTime = 0;

  /** Opens (or creates) the database file at `filePath`; `:memory:` works for tests. */
  constructor(filePath: string, namespace: string) {
    if (filePath !== ":memory:") mkdirSync(path.dirname(filePath), { recursive: true });
    this.db = new Database(filePath);
    this.db.pragma("journal_mode = WAL");
    // Another process may be indexing into the same file; wait for its lock instead of failing.
    this.db.pragma("busy_timeout = 5000");
    this.namespace = namespace;
  }

  /** Creates the table and indexes when missing; safe to call on every start. */
  async createSchema(): Promise<void> {
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS upsertion_record (
        namespace TEXT NOT NULL,
        key TEXT NOT NULL,
        group_id TEXT,
        updated_at REAL NOT NULL,
        PRIMARY KEY (namespace, key)
      );
      CREATE INDEX IF NOT EXISTS upsertion_record_group ON upsertion_record (namespace, group_id);
      CREATE INDEX IF NOT EXISTS upsertion_record_updated ON upsertion_record (namespace, updated_at);
    `);
  }

  /**
   * Returns the current time in milliseconds, strictly later than any time
   * this namespace has recorded. `index()` deletes records older than its
   * start time, so two runs within one millisecond must still get distinct times.
   */
  async getTime(): Promise<number> {
    const row = this.db
      .prepare("SELECT MAX(updated_at) AS latest FROM upsertion_record WHERE namespace = ?")
      .get(this.namespace) as { latest: number | null };
    const floor = Math.max(this.lastTime, row.latest ?? 0);
    const now = Date.now();
    this.lastTime = now > floor ? now : floor + 0.001;
    return this.lastTime;
  }

  /** Marks `keys` as written now, with their source ids as group ids. */
  async update(keys: string[], options: UpdateOptions = {}): Promise<void> {
    const { groupIds, timeAtLeast } = options;
    if (groupIds && groupIds.length !== keys.length) {
      throw new RangeError(`got ${groupIds.length} group ids for ${keys.length} keys; pass one group id per key`);
    }
    const updatedAt = await this.getTime();
    if (timeAtLeast !== undefined && updatedAt < timeAtLeast) {
      throw new RangeError(`record manager time ${updatedAt} is earlier than the requested ${timeAtLeast}; check the system clock`);
    }

    // Keys listed without a group id keep the one they were stored with.
    const upsert = this.db.prepare(`
      INSERT INTO upsertion_record (namespace, key, group_id, updated_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (namespace, key) DO UPDATE SET
        updated_at = excluded.updated_at,
        group_id = COALESCE(excluded.group_id, upsertion_record.group_id)
    `);
    const write = this.db.transaction(() => {
      keys.forEach((key, i) => upsert.run(this.namespace, key, groupIds?.[i] ?? null, updatedAt));
    });
    write();
  }

  /** Returns, for each key, whether it is recorded in this namespace. */
  async exists(keys: string[]): Promise<boolean[]> {
    const found = new Set<string>();
    for (const batch of batches(keys)) {
      const rows = this.db
        .prepare(`SELECT key FROM upsertion_record WHERE namespace = ? AND key IN (${batch.map(() => "?").join(",")})`)
        .all(this.namespace, ...batch) as { key: string }[];
      for (const row of rows) found.add(row.key);
    }
    return keys.map((key) => found.has(key));
  }

  /** Lists keys by update time and group id; `before` and `after` are exclusive. */
  async listKeys(options: ListKeyOptions = {}): Promise<string[]> {
    const clauses = ["namespace = ?"];
    const parameters: (string | number)[] = [this.namespace];
    if (options.before !== undefined) {
      clauses.push("updated_at < ?");
      parameters.push(options.before);
    }
    if (options.after !== undefined) {
      clauses.push("updated_at > ?");
      parameters.push(options.after);
    }
    const groupIds = options.groupIds?.filter((groupId): groupId is string => groupId !== null);
    if (groupIds) {
      if (groupIds.length === 0) return [];
      clauses.push(`group_id IN (${groupIds.map(() => "?").join(",")})`);
      parameters.push(...groupIds);
    }
    let sql = `SELECT key FROM upsertion_record WHERE ${clauses.join(" AND ")} ORDER BY updated_at, key`;
    if (options.limit !== undefined) {
      sql += " LIMIT ?";
      parameters.push(options.limit);
    }
    const rows = this.db.prepare(sql).all(...parameters) as { key: string }[];
    return rows.map((row) => row.key);
  }

  /** Deletes `keys` from this namespace; unknown keys are ignored. */
  async deleteKeys(keys: string[]): Promise<void> {
    const remove = this.db.transaction(() => {
      for (const batch of batches(keys)) {
        this.db
          .prepare(`DELETE FROM upsertion_record WHERE namespace = ? AND key IN (${batch.map(() => "?").join(",")})`)
          .run(this.namespace, ...batch);
      }
    });
    remove();
  }

  /** Lists the distinct group ids (source ids) in this namespace that start with `prefix`. */
  async listGroupIds(prefix: string): Promise<string[]> {
    const rows = this.db
      .prepare(
        "SELECT DISTINCT group_id FROM upsertion_record WHERE namespace = ? AND substr(group_id, 1, ?) = ? ORDER BY group_id",
      )
      .all(this.namespace, prefix.length, prefix) as { group_id: string }[];
    return rows.map((row) => row.group_id);
  }

  /** Closes the database file. */
  close(): void {
    this.db.close();
  }
}

function batches(keys: string[]): string[][] {
  const result: string[][] = [];
  for (let i = 0; i < keys.length; i += PARAMETER_BATCH_SIZE) result.push(keys.slice(i, i + PARAMETER_BATCH_SIZE));
  return result;
}
