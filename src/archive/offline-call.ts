/**
 * Archives the offline script writer's input and output in the same format
 * as model calls, so every run has a record of how each script was made
 * whichever writer produced it.
 */
import type { StorageAdapter } from "../adapters/storage/storage-adapter.js";
import { callHash } from "./call-hash.js";
import { writeCallRecord, type CallRecord } from "./call-record.js";
import { redactSecrets } from "./redact-secrets.js";

/** One offline writer call. */
export interface OfflineCall {
  node: string;
  chapterIndex?: number;
  /** Writer name, for example `offline-extractive`. */
  provider: string;
  input: unknown;
  output: unknown;
}

/**
 * Writes the record of an offline call and returns its key and hash. The
 * record has no timestamps, so a re-run with the same input and output
 * writes the same bytes and the create-only put makes it a no-op.
 */
export async function archiveOfflineCall(
  storage: StorageAdapter,
  runId: string,
  call: OfflineCall,
): Promise<{ key: string; callHash: string }> {
  const input = redactSecrets(call.input);
  const hash = callHash({ provider: call.provider, model: call.provider, params: {}, input });
  const record: CallRecord = {
    version: 1,
    runId,
    node: call.node,
    chapterIndex: call.chapterIndex,
    callHash: hash,
    attempt: 1,
    kind: "offline",
    status: "success",
    provider: call.provider,
    model: call.provider,
    params: {},
    input,
    output: redactSecrets(call.output),
  };
  const { key } = await writeCallRecord(storage, record);
  return { key, callHash: hash };
}
