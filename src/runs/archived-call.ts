/**
 * Makes one provider call through the workspace call archive and the call
 * ledger: replays an archived result when there is one, otherwise records
 * the call, makes it, archives the result and marks the row archived.
 */
import { callHash, type CallIdentity } from "../archive/call-hash.js";
import type { CallLedger } from "./call-ledger.js";
import type { ArchivedResult, LocalCallArchive } from "./local-call-archive.js";
import { currentNode } from "./node-context.js";

/** One call to make through the archive. */
export interface ArchivedCallSpec<T> {
  ledger: CallLedger;
  archive: LocalCallArchive;
  /** Call type recorded in the ledger, for example `speech` or `slide`. */
  kind: string;
  /** Provider, model, parameters and input that the call hash covers. */
  identity: CallIdentity;
  /** Calls the provider; returns its result and the file it wrote, if any. */
  call: () => Promise<{ result: T; filePath?: string }>;
  /** Turns an archived result back into the provider's result, for example by copying its file into place. */
  replay: (archived: ArchivedResult<T>) => Promise<T>;
  signal?: AbortSignal;
}

/**
 * Runs `spec.call` once per call hash and run, replaying the archived result
 * on later requests. A kill in the short window noted below repeats the call.
 * Outside a node execution (a direct adapter call, a test) the provider is called as is.
 */
export async function callThroughArchive<T>(spec: ArchivedCallSpec<T>): Promise<T> {
  const node = currentNode();
  if (!node) return (await spec.call()).result;

  const hash = callHash(spec.identity);
  const row = {
    runId: node.runId,
    callHash: hash,
    provider: spec.identity.provider,
    kind: spec.kind,
    node: node.node,
    chapterIndex: node.chapterIndex,
    nodeRunId: node.nodeRunId,
  };
  const archived = await spec.archive.find<T>(node.runId, hash);
  if (archived) {
    const result = await spec.replay(archived);
    spec.ledger.recordReplay(row, archived.recordPath);
    return result;
  }

  const id = spec.ledger.begin(row);
  let made: { result: T; filePath?: string };
  try {
    made = await spec.call();
  } catch (error) {
    spec.ledger.failed(id, error instanceof Error ? error.message : String(error), spec.signal?.aborted === true);
    throw error;
  }
  // NOTE: a kill between the provider returning and the next two lines
  // finishing loses this result: the row stays `started`, becomes
  // `interrupted` on resume, and the call is made again. Archiving is a
  // local copy and two renames, a few milliseconds for our file sizes.
  const recordPath = await spec.archive.store(node.runId, hash, made.result, made.filePath);
  spec.ledger.archived(id, recordPath);
  return made.result;
}
