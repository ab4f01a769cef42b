/**
 * `ArchivingEmbeddings`: LangChain has no callbacks for embeddings, so this
 * wrapper around any `Embeddings` archives each `embedDocuments` and
 * `embedQuery` call (texts, redacted parameters, vectors, latency, error)
 * in the same format and place as `CallArchiveHandler`.
 */
import { createHash } from "node:crypto";
import { Embeddings } from "@langchain/core/embeddings";
import type { StorageAdapter } from "../adapters/storage/storage-adapter.js";
import { getLogger } from "../logger.js";
import { archivedError } from "./call-archive-handler.js";
import { callHash } from "./call-hash.js";
import { findArchivedResponse, writeCallRecord, type CallArchiveContext, type CallRecord } from "./call-record.js";
import { redactSecrets } from "./redact-secrets.js";

const log = getLogger("call-archive");

/** Options of `ArchivingEmbeddings`. */
export interface ArchivingEmbeddingsOptions {
  storage: StorageAdapter;
  runId: string;
  context: CallArchiveContext;
  /** Provider name for the record; defaults to the wrapped class name. */
  provider?: string;
  /** Exact secret values (API keys from configuration) to remove wherever they appear. */
  knownSecrets?: readonly string[];
  /**
   * Whether records keep the vectors themselves (default true). Without them
   * a record keeps the count, dimension and SHA-256 of the vectors, which
   * suits a free, deterministic embedder whose vectors would only bloat the archive.
   */
  recordVectors?: boolean;
}

/** Returns the wrapped model's scalar settings (model name, dimensions, batch size), secrets redacted. */
function scalarSettingsOf(embeddings: Embeddings, knownSecrets: readonly string[]): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(embeddings)) {
    if (["string", "number", "boolean"].includes(typeof value)) settings[name] = value;
  }
  return redactSecrets(settings, { knownSecrets, byPropertyName: true }) as Record<string, unknown>;
}

/** Embeddings that archive every call of the wrapped instance. */
export class ArchivingEmbeddings extends Embeddings {
  private readonly provider: string;
  private readonly model: string;
  private readonly params: Record<string, unknown>;
  private readonly nextAttempt = new Map<string, number>();

  constructor(
    readonly inner: Embeddings,
    private readonly options: ArchivingEmbeddingsOptions,
  ) {
    // Retries belong to the wrapped instance, so this wrapper's own caller never retries.
    super({ maxRetries: 0 });
    this.params = scalarSettingsOf(inner, options.knownSecrets ?? []);
    this.provider = options.provider ?? inner.constructor.name;
    this.model = String(this.params.model ?? this.params.modelName ?? this.params.model_name ?? "unknown");
  }

  override embedDocuments(documents: string[]): Promise<number[][]> {
    return this.archived("embedDocuments", documents, () => this.inner.embedDocuments(documents));
  }

  override embedQuery(document: string): Promise<number[]> {
    return this.archived("embedQuery", [document], () => this.inner.embedQuery(document));
  }

  private async archived<T extends number[] | number[][]>(
    method: "embedDocuments" | "embedQuery",
    texts: string[],
    call: () => Promise<T>,
  ): Promise<T> {
    const knownSecrets = this.options.knownSecrets ?? [];
    const input = redactSecrets({ method, texts }, { knownSecrets });
    const hash = callHash({ provider: this.provider, model: this.model, params: this.params, input });

    // A call archived by an earlier attempt (a resumed run, a re-run node) is
    // replayed, so a paid provider is never asked twice. A record without
    // vectors comes from a free, deterministic embedder: recompute, and write
    // no second record.
    const archived = await findArchivedResponse(this.options.storage, this.options.runId, hash, this.options.context).catch(
      (error: unknown) => {
        log.warn({ err: error, runId: this.options.runId, callHash: hash }, "failed to look up an archived embeddings call");
        return undefined;
      },
    );
    if (archived) {
      const stored = (archived.output as { vectors?: T } | undefined)?.vectors;
      return stored ?? call();
    }

    const startedAt = Date.now();
    let vectors: T;
    try {
      vectors = await call();
    } catch (error) {
      await this.write(hash, input, startedAt, { status: "error", error: archivedError(error, knownSecrets) });
      throw error;
    }
    await this.write(hash, input, startedAt, { status: "success", output: this.describeOutput(vectors) });
    return vectors;
  }

  private describeOutput(vectors: number[] | number[][]): Record<string, unknown> {
    if (this.options.recordVectors !== false) return { vectors };
    const rows = Array.isArray(vectors[0]) ? (vectors as number[][]) : [vectors as number[]];
    return {
      count: rows.length,
      dimension: rows[0]?.length ?? 0,
      sha256: createHash("sha256").update(JSON.stringify(rows)).digest("hex"),
    };
  }

  private async write(hash: string, input: unknown, startedAt: number, result: Partial<CallRecord>): Promise<void> {
    const attempt = this.nextAttempt.get(hash) ?? 1;
    this.nextAttempt.set(hash, attempt + 1);
    const finishedAt = Date.now();
    const record: CallRecord = {
      version: 1,
      runId: this.options.runId,
      node: this.options.context.node,
      chapterIndex: this.options.context.chapterIndex,
      callHash: hash,
      attempt,
      kind: "embeddings",
      status: "error",
      provider: this.provider,
      model: this.model,
      params: this.params,
      input,
      ...result,
      latencyMs: finishedAt - startedAt,
      startedAt: new Date(startedAt).toISOString(),
      finishedAt: new Date(finishedAt).toISOString(),
    };
    try {
      const written = await writeCallRecord(this.options.storage, record);
      this.nextAttempt.set(hash, Math.max(written.attempt + 1, this.nextAttempt.get(hash) ?? 1));
    } catch (error) {
      log.error(
        { err: error, runId: this.options.runId, node: this.options.context.node, callHash: hash },
        "failed to archive an embeddings call; the call itself continues",
      );
    }
  }
}
