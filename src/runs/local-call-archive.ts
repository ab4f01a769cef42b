/**
 * Archive of speech and slide results in the workspace, keyed by call hash:
 * `<root>/<run id>/<hash>.json` (the result) next to `<hash>.<ext>` (the
 * file the provider wrote). A resumed run replays a result from here instead
 * of calling the provider again.
 *
 * The archive sits in the workspace rather than in storage because it only
 * has to bridge the gap between a provider returning and the node storing
 * its artifact: once the artifact is stored, the node reuses it by its input
 * hash and never asks the provider. Keeping it local makes archiving a
 * result a file copy and two renames instead of an upload, which keeps that
 * gap as short as possible, and leaves storage with exactly the objects of
 * a run that was never interrupted.
 */
import { randomUUID } from "node:crypto";
import { copyFile, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { sha256OfFile } from "../adapters/storage/body.js";

/** Archive record of one call: the result and the file it refers to. */
export interface ArchivedResult<T> {
  /** The provider's result, as JSON. */
  result: T;
  /** The archived copy of the file the provider wrote, when there was one. */
  filePath?: string;
  /** Path of the record, used as the ledger's archive key. */
  recordPath: string;
}

interface RecordFile<T> {
  result: T;
  file?: { name: string; sha256: string };
}

/** Results of provider calls, one folder per run. */
export class LocalCallArchive {
  constructor(readonly root: string) {}

  private folder(runId: string): string {
    return path.join(this.root, runId);
  }

  /**
   * Returns the archived result of `hash`, or `undefined` when there is none
   * or its file is missing or does not match the recorded hash.
   */
  async find<T>(runId: string, hash: string): Promise<ArchivedResult<T> | undefined> {
    const recordPath = path.join(this.folder(runId), `${hash}.json`);
    let record: RecordFile<T>;
    try {
      record = JSON.parse(await readFile(recordPath, "utf8")) as RecordFile<T>;
    } catch {
      return undefined;
    }
    if (!record.file) return { result: record.result, recordPath };
    const filePath = path.join(this.folder(runId), record.file.name);
    const actual = await sha256OfFile(filePath).catch(() => undefined);
    if (actual !== record.file.sha256) return undefined;
    return { result: record.result, filePath, recordPath };
  }

  /**
   * Archives `result` and a copy of `filePath` under `hash`. The record is
   * renamed into place last, so a process killed part way leaves no record
   * and `find` reports nothing.
   */
  async store<T>(runId: string, hash: string, result: T, filePath?: string): Promise<string> {
    const folder = this.folder(runId);
    await mkdir(folder, { recursive: true });
    const record: RecordFile<T> = { result };
    if (filePath) {
      const name = `${hash}${path.extname(filePath)}`;
      // Two chapters with identical text archive the same hash at the same
      // time, so each writer needs its own temporary name.
      const partial = path.join(folder, `${name}.${process.pid}.${randomUUID()}.partial`);
      await copyFile(filePath, partial);
      const sha256 = await sha256OfFile(partial);
      await rename(partial, path.join(folder, name));
      record.file = { name, sha256 };
    }
    const recordPath = path.join(folder, `${hash}.json`);
    const partialRecord = `${recordPath}.${process.pid}.${randomUUID()}.partial`;
    // NOTE: no fsync: a SIGKILL keeps written data in the page cache, but a
    // power cut may lose the last records, which then cost one more call.
    await writeFile(partialRecord, JSON.stringify(record));
    await rename(partialRecord, recordPath);
    return recordPath;
  }

  /** Deletes the archive of one run. */
  async removeRun(runId: string): Promise<void> {
    await rm(this.folder(runId), { recursive: true, force: true });
  }
}
