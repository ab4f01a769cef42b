/**
 * The create-only rule shared by the remote backends: when a key already
 * exists, the same SHA-256 makes the write a no-op and a different one is a
 * conflict naming the key.
 */
import { StorageConflictError } from "../../errors.js";
import type { PutResult, StoredObjectInfo } from "./storage-adapter.js";

/**
 * Returns the stored object as an uncreated `PutResult` when its content
 * matches `newSha256`, and throws `StorageConflictError` otherwise.
 * `hashStoredContent` is only called for objects written without a
 * `sha256` metadata entry (by another tool), which must be read to compare.
 */
export async function resolveExistingObject(
  existing: StoredObjectInfo,
  newSha256: string,
  hashStoredContent: () => Promise<string>,
): Promise<PutResult> {
  const storedSha256 = existing.sha256 || (await hashStoredContent());
  if (storedSha256 !== newSha256) {
    throw new StorageConflictError(existing.key, storedSha256, newSha256);
  }
  return { ...existing, sha256: storedSha256, created: false };
}
