/**
 * Storage for a `--force` restart: a put whose bytes differ from the object
 * already stored under a key of the restarted run replaces that object
 * instead of raising `StorageConflictError`.
 *
 * Storage is create-only so that a re-run node can never overwrite an
 * artifact by accident. A forced restart is the one case where the run's
 * inputs changed on purpose, so artifacts built from the old inputs are
 * stale: content-addressed ones (with an input hash) whose inputs did not
 * change are still reused, the others are replaced here as they are rebuilt.
 */
import { runPrefix } from "../adapters/storage/keys.js";
import type { PutBody, PutOptions, PutResult, StorageAdapter } from "../adapters/storage/storage-adapter.js";
import { StorageConflictError } from "../errors.js";
import { getLogger } from "../logger.js";
import { ForwardingStorage } from "./forwarding-storage.js";

const log = getLogger("force-restart");

/** Storage that replaces conflicting objects under one run's prefix. */
export class ReplacingStorage extends ForwardingStorage {
  private readonly prefix: string;

  constructor(inner: StorageAdapter, runId: string) {
    super(inner);
    this.prefix = runPrefix(runId);
  }

  override async put(key: string, body: PutBody, options?: PutOptions): Promise<PutResult> {
    try {
      return await this.inner.put(key, body, options);
    } catch (error) {
      if (!(error instanceof StorageConflictError) || !key.startsWith(this.prefix)) throw error;
      // A stream body was consumed by the failed put; only bodies that can be read again are retried.
      const readableAgain =
        typeof body === "string" || body instanceof Uint8Array || typeof (body as { pipe?: unknown }).pipe !== "function";
      if (!readableAgain) throw error;
      log.warn({ key }, "replacing an artifact built from the run's previous inputs");
      await this.inner.delete(key);
      return this.inner.put(key, body, options);
    }
  }
}
