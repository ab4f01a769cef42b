/**
 * Content addressing of stage outputs. Each artifact carries the hash of the
 * inputs that produced it. A re-run (after a kill, or when LangGraph discards
 * an aborted sibling's writes) therefore finds the finished work and reuses it
 * instead of paying for it again.
 */
import { createHash } from "node:crypto";
import { rename } from "node:fs/promises";
import { sha256OfFile } from "../adapters/storage/body.js";
import type { Services } from "../services.js";

/** Metadata field that carries the input hash on stored objects. */
export const INPUT_HASH_METADATA = "input-sha256";

/** Orders strings by UTF-16 code units, independent of locale, so hashes match on every machine. */
function compareCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function stableStringify(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, entry]) => entry !== undefined)
    .sort(([a], [b]) => compareCodeUnits(a, b));
  return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${stableStringify(entry)}`).join(",")}}`;
}

/** Returns the SHA-256 of a JSON value with sorted keys. */
export function inputHash(value: unknown): string {
  return createHash("sha256").update(stableStringify(value)).digest("hex");
}

/** Returns true when `key` is stored and was produced from inputs hashing to `hash`. */
export async function isStoredWithInputs(services: Services, key: string, hash: string): Promise<boolean> {
  const info = await services.storage.head(key);
  return info?.metadata[INPUT_HASH_METADATA] === hash;
}

/**
 * Makes sure `localPath` contains the stored artifact `key`. A scratch file
 * left by an earlier attempt is kept only when its hash matches the stored one.
 */
export async function ensureLocalCopy(
  services: Services,
  key: string,
  localPath: string,
  signal?: AbortSignal,
): Promise<string> {
  const stored = await services.storage.head(key);
  if (stored) {
    const local = await sha256OfFile(localPath).catch(() => undefined);
    if (local === stored.sha256) return localPath;
  }
  const partial = `${localPath}.download`;
  await services.storage.download(key, partial, { signal });
  await rename(partial, localPath);
  return localPath;
}
