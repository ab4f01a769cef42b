/**
 * A storage wrapper that enters every archived model or writer call record
 * (`runs/<run id>/calls/<node>/<chapter>/<hash>-<attempt>.json`, written by
 * src/archive/) into the call ledger as it is stored. Those calls are made
 * by code that archives them itself, so the ledger learns of them at the
 * moment their result is archived, with no change to the callers.
 */
import type { PutBody, PutOptions, PutResult, StorageAdapter } from "../adapters/storage/storage-adapter.js";
import { getLogger } from "../logger.js";
import type { CallLedger } from "./call-ledger.js";
import { ForwardingStorage } from "./forwarding-storage.js";
import { currentNode } from "./node-context.js";

const log = getLogger("call-ledger");

/** Matches the key of one call record and captures the call hash. */
const CALL_RECORD_KEY = /^runs\/[^/]+\/calls\/[^/]+\/[^/]+\/([0-9a-f]+)-\d+\.json$/;

/** The fields of a call record the ledger needs. */
interface CallRecordFields {
  runId?: string;
  callHash?: string;
  provider?: string;
  kind?: string;
  node?: string;
  chapterIndex?: number;
  status?: string;
  error?: { message?: string };
}

function bodyText(body: PutBody): string | undefined {
  if (typeof body === "string") return body;
  if (Buffer.isBuffer(body) || body instanceof Uint8Array) return Buffer.from(body).toString("utf8");
  return undefined;
}

/** Storage that enters call records in the ledger as they are stored; every other call is forwarded. */
export class CallRecordObserver extends ForwardingStorage {
  constructor(
    inner: StorageAdapter,
    private readonly ledger: CallLedger,
  ) {
    super(inner);
  }

  override async put(key: string, body: PutBody, options?: PutOptions): Promise<PutResult> {
    const text = CALL_RECORD_KEY.test(key) ? bodyText(body) : undefined;
    const result = await this.inner.put(key, body, options);
    if (text !== undefined) this.observe(key, text);
    return result;
  }

  private observe(key: string, text: string): void {
    let record: CallRecordFields;
    try {
      record = JSON.parse(text) as CallRecordFields;
    } catch (error) {
      log.warn({ key, err: error }, "call record is not JSON; it is not entered in the call ledger");
      return;
    }
    if (!record.runId || !record.callHash) return;
    const row = {
      runId: record.runId,
      callHash: record.callHash,
      provider: record.provider ?? "unknown",
      kind: record.kind ?? "unknown",
      node: record.node ?? currentNode()?.node ?? "unknown",
      chapterIndex: record.chapterIndex,
      nodeRunId: currentNode()?.nodeRunId,
    };
    if (record.status === "success") this.ledger.recordArchived(row, key);
    else this.ledger.recordFailed(row, key, record.error?.message ?? record.status ?? "failed");
  }
}
