/**
 * Opens the workspace's SQLite database for doc2video's own tables (runs,
 * node executions, artifacts, provider calls). The LangGraph checkpointer
 * keeps its tables in the same file, so the workspace moves as one folder.
 */
import Database from "better-sqlite3";
import { ConfigError } from "../errors.js";

/** Opens `databasePath` in WAL mode and creates `schema`'s tables if they are missing. */
export function openWorkspaceDatabase(databasePath: string, schema: string): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(databasePath);
  } catch (error) {
    throw new ConfigError(
      `run database ${databasePath} cannot be opened: ${(error as Error).message}; check that the workspace folder is writable`,
      { cause: error },
    );
  }
  db.pragma("journal_mode = WAL");
  // Several processes (a run, `show`, a second resumer) share the file; wait for a writer instead of failing.
  db.pragma("busy_timeout = 5000");
  db.exec(schema);
  return db;
}
