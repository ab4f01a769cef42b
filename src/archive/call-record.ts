/**
 * Archived model calls: the JSON record of one call attempt, where it is
 * stored (`runs/<run id>/calls/<node>/<chapter>/<call hash>-<attempt>.json`),
 * and how a resumed run finds an earlier response to replay.
 */
import { chapterSegment, assertSafeKey, runPrefix } from "../adapters/storage/keys.js";
import type { StorageAdapter } from "../adapters/storage/storage-adapter.js";
import { StorageConflictError, StorageError } from "../errors.js";
import { getLogger } from "../logger.js";

const log = getLogger("call-archive");

/** Attempt numbers tried before giving up on finding a free key for one call hash. */
const MAX_ATTEMPT_NUMBER = 1000;

/** Token counts of one call, from `usage_metadata` or the provider's `llmOutput`. */
export interface TokenUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
}

/** The failure of one attempt, redacted. */
export interface ArchivedError {
  name: string;
  message: string;
  /** HTTP status, when the provider returned one. */
  status?: number;
}

/** One archived call attempt. */
export interface CallRecord {
  version: 1;
  runId: string;
  node: string;
  chapterIndex?: number;
  callHash: string;
  attempt: number;
  kind: "chat" | "llm" | "embeddings" | "offline";
  /** `success`, `error` (the call failed for good) or `failed-attempt` (a retry followed). */
  status: "success" | "error" | "failed-attempt";
  provider: string;
  model: string;
  /** Invocation parameters with secrets redacted. */
  params: unknown;
  /** Messages, prompts, texts or offline writer input. */
  input: unknown;
  /** Response: generations and text, vectors, or offline writer output. */
  output?: unknown;
  tokenUsage?: TokenUsage;
  latencyMs?: number;
  startedAt?: string;
  finishedAt?: string;
  error?: ArchivedError;
}

/** The node and chapter whose calls an archive folder contains. */
export interface CallArchiveContext {
  node: string;
  /** Zero-based chapter index; omitted for run-level calls. */
  chapterIndex?: number;
}

/** Returns the folder of a run's archived calls for one node and chapter, ending in `/`. */
export function callFolder(runId: string, context: CallArchiveContext): string {
  const chapter = context.chapterIndex === undefined ? "run" : chapterSegment(context.chapterIndex);
  return `${runPrefix(runId)}calls/${context.node}/${chapter}/`;
}

/** Returns the key of one attempt's record. */
export function callRecordKey(runId: string, context: CallArchiveContext, hash: string, attempt: number): string {
  return assertSafeKey(`${callFolder(runId, context)}${hash}-${attempt}.json`);
}

/**
 * Writes a record under the first free attempt number at or after
 * `record.attempt`. Keys are create-only, so a number taken by an earlier
 * process (a resumed run restarts its counters) raises a conflict and the
 * next number is tried. Returns the key and attempt number used.
 */
export async function writeCallRecord(
  storage: StorageAdapter,
  record: CallRecord,
): Promise<{ key: string; attempt: number }> {
  const context = { node: record.node, chapterIndex: record.chapterIndex };
  for (let attempt = Math.max(1, record.attempt); attempt <= MAX_ATTEMPT_NUMBER; attempt++) {
    const key = callRecordKey(record.runId, context, record.callHash, attempt);
    const body = JSON.stringify({ ...record, attempt }, null, 2);
    try {
      await storage.put(key, body, { contentType: "application/json" });
      return { key, attempt };
    } catch (error) {
      if (!(error instanceof StorageConflictError)) throw error;
      log.debug({ key }, "call record key taken by an earlier attempt; trying the next number");
    }
  }
  throw new StorageError(
    callRecordKey(record.runId, context, record.callHash, MAX_ATTEMPT_NUMBER),
    `call ${record.callHash} of run ${record.runId} already has ${MAX_ATTEMPT_NUMBER} archived attempts; ` +
      `delete ${callFolder(record.runId, context)} or start a new run`,
  );
}

/** Reads every archived record of a run, optionally only one node and chapter. */
export async function listCallRecords(
  storage: StorageAdapter,
  runId: string,
  context?: CallArchiveContext,
): Promise<CallRecord[]> {
  const prefix = context ? callFolder(runId, context) : `${runPrefix(runId)}calls/`;
  const records: CallRecord[] = [];
  for await (const info of storage.list(prefix)) {
    if (!info.key.endsWith(".json")) continue;
    records.push(JSON.parse((await storage.get(info.key)).toString("utf8")) as CallRecord);
  }
  return records;
}

/**
 * Returns the archived successful response of the call with `hash` in a run,
 * the one with the highest attempt number when several exist, or
 * `undefined` when the run never completed that call. Pass `context` to
 * search one node and chapter instead of the whole run.
 */
export async function findArchivedResponse(
  storage: StorageAdapter,
  runId: string,
  hash: string,
  context?: CallArchiveContext,
): Promise<CallRecord | undefined> {
  const prefix = context ? callFolder(runId, context) : `${runPrefix(runId)}calls/`;
  let best: CallRecord | undefined;
  for await (const info of storage.list(prefix)) {
    const fileName = info.key.slice(info.key.lastIndexOf("/") + 1);
    const match = /^([0-9a-f]+)-(\d+)\.json$/.exec(fileName);
    if (!match || match[1] !== hash) continue;
    const record = JSON.parse((await storage.get(info.key)).toString("utf8")) as CallRecord;
    if (record.status !== "success") continue;
    if (!best || record.attempt > best.attempt) best = record;
  }
  return best;
}
