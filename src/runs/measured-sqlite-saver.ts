/**
 * The SQLite checkpointer with timing: counts checkpoint and pending-write
 * saves and the time spent in them, for `pnpm bench` and `show`. It can also
 * kill its own process group in the middle of a checkpoint transaction, for
 * the durability tests (`DOC2VIDEO_INJECT_CRASH=checkpoint:N`).
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import Database from "better-sqlite3";

type Checkpoint = Parameters<SqliteSaver["put"]>[1];
type CheckpointMetadata = Parameters<SqliteSaver["put"]>[2];
type PendingWrite = Parameters<SqliteSaver["putWrites"]>[1][number];

/** Checkpoint saves of one process. */
export interface CheckpointStats {
  /** `put` calls: one full checkpoint each. */
  checkpoints: number;
  /** `putWrites` calls: the writes of one task each. */
  writeBatches: number;
  /** Time spent in both, in milliseconds. */
  milliseconds: number;
}

/** Returns the checkpoint number of a `checkpoint:N` crash spec, or `undefined` for any other spec. */
export function crashCheckpointNumber(spec: string | undefined): number | undefined {
  const match = /^checkpoint:(\d+)$/.exec(spec ?? "");
  return match ? Number(match[1]) : undefined;
}

/** SqliteSaver that measures its saves; see the module comment. */
export class MeasuredSqliteSaver extends SqliteSaver {
  readonly stats: CheckpointStats = { checkpoints: 0, writeBatches: 0, milliseconds: 0 };

  constructor(
    db: Database.Database,
    private readonly crashAtCheckpoint?: number,
  ) {
    super(db);
  }

  /** Opens `databasePath` in WAL mode, as `SqliteSaver.fromConnString` does. */
  static open(databasePath: string, crashAtCheckpoint?: number): MeasuredSqliteSaver {
    const db = new Database(databasePath);
    db.pragma("journal_mode=WAL");
    return new MeasuredSqliteSaver(db, crashAtCheckpoint);
  }

  override async put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata): Promise<RunnableConfig> {
    const started = performance.now();
    this.stats.checkpoints += 1;
    if (this.stats.checkpoints === this.crashAtCheckpoint) await this.crashInsideWrite(config, checkpoint, metadata);
    try {
      return await super.put(config, checkpoint, metadata);
    } finally {
      this.stats.milliseconds += performance.now() - started;
    }
  }

  override async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string): Promise<void> {
    const started = performance.now();
    this.stats.writeBatches += 1;
    try {
      await super.putWrites(config, writes, taskId);
    } finally {
      this.stats.milliseconds += performance.now() - started;
    }
  }

  /**
   * Opens a transaction, inserts the checkpoint row, and kills the process
   * group before the commit, as a crash in the middle of a write would.
   */
  private async crashInsideWrite(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata): Promise<never> {
    this.db.exec("BEGIN IMMEDIATE");
    await super.put(config, checkpoint, metadata);
    process.kill(0, "SIGKILL");
    throw new Error("unreachable: the process group was killed");
  }
}
