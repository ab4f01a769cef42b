/**
 * The deterministic identity of a model call: the same provider, model,
 * parameters and input always give the same hash, so a resumed run can find
 * the response an earlier attempt archived and replay it.
 */
import { createHash } from "node:crypto";

/** JSON with object keys sorted at every level, so equal values serialise identically. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const sorted: Record<string, unknown> = {};
  for (const name of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[name];
    if (item !== undefined) sorted[name] = sortKeys(item);
  }
  return sorted;
}

/** The parts a call hash covers; parameters must already be redacted. */
export interface CallIdentity {
  provider: string;
  model: string;
  params: unknown;
  input: unknown;
}

/** Returns the first 32 hex digits (128 bits) of the SHA-256 of the identity. */
export function callHash(identity: CallIdentity): string {
  const canonical = stableStringify({
    provider: identity.provider,
    model: identity.model,
    params: identity.params,
    input: identity.input,
  });
  return createHash("sha256").update(canonical).digest("hex").slice(0, 32);
}
