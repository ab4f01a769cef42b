/**
 * The part of the configuration that shapes a run's output but is not
 * frozen into graph state (`RunOptions` are): where artifacts are stored,
 * which embedding and chat models and vector store locations are used.
 * It is recorded when a run starts and compared on resume, because a run
 * resumed against another bucket or model would mix outputs of two setups.
 */
import type { AppConfig } from "../config.js";

/** A flat record of setting path to value, for example `storage.s3.bucket`. */
export type RunConfigSnapshot = Record<string, string | boolean | null>;

/** One setting that differs between two snapshots. */
export interface ConfigChange {
  setting: string;
  before: string | boolean | null;
  after: string | boolean | null;
}

/** Stages a `--force` restart can start from, in graph order. */
export type RestartStage = "ingestDocument" | "indexChunks" | "writeScript";

/** Takes the settings of `config` that a resume must not change. */
export function runConfigSnapshot(config: AppConfig): RunConfigSnapshot {
  const { storage } = config;
  const snapshot: RunConfigSnapshot = { "storage.provider": storage.provider };
  if (storage.provider === "local" || storage.provider === "dummy") {
    snapshot["storage.localRoot"] = storage.localRoot;
  } else if (storage.provider === "gcs") {
    snapshot["storage.gcs.bucket"] = storage.gcs.bucket;
    snapshot["storage.gcs.prefix"] = storage.gcs.prefix;
    snapshot["storage.gcs.apiEndpoint"] = storage.gcs.apiEndpoint ?? null;
    snapshot["storage.gcs.publicBaseUrl"] = storage.gcs.publicBaseUrl ?? null;
  } else {
    snapshot["storage.s3.bucket"] = storage.s3.bucket;
    snapshot["storage.s3.prefix"] = storage.s3.prefix;
    snapshot["storage.s3.endpoint"] = storage.s3.endpoint ?? null;
    snapshot["storage.s3.publicBaseUrl"] = storage.s3.publicBaseUrl ?? null;
  }
  snapshot["embeddings.openaiModel"] = config.embeddings.openaiModel;
  snapshot["embeddings.openaiBaseUrl"] = config.embeddings.openaiBaseUrl ?? null;
  snapshot["embeddings.vertexModel"] = config.embeddings.vertexModel;
  snapshot["vectorStore.qdrantUrl"] = config.vectorStore.qdrantUrl;
  snapshot["vectorStore.pineconeIndex"] = config.vectorStore.pineconeIndex;
  snapshot["vectorStore.pineconeHost"] = config.vectorStore.pineconeHost ?? null;
  snapshot["llm.openaiModel"] = config.llm.openaiModel;
  snapshot["llm.openaiBaseUrl"] = config.llm.openaiBaseUrl ?? null;
  snapshot["llm.vertexModel"] = config.llm.vertexModel;
  return snapshot;
}

/** Lists the settings whose values differ, in a stable order. */
export function configChanges(before: RunConfigSnapshot, after: RunConfigSnapshot): ConfigChange[] {
  const settings = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return settings
    .filter((setting) => (before[setting] ?? null) !== (after[setting] ?? null))
    .map((setting) => ({ setting, before: before[setting] ?? null, after: after[setting] ?? null }));
}

/**
 * Returns the first stage a change affects. Storage and the source
 * document feed every stage. Embeddings and vector stores feed indexing and
 * the retrieval in script writing. Chat models feed script writing.
 */
export function restartStageFor(changes: ConfigChange[], sourceChanged: boolean): RestartStage | undefined {
  const touched = (prefix: string) => changes.some((change) => change.setting.startsWith(prefix));
  if (sourceChanged || touched("storage.")) return "ingestDocument";
  if (touched("embeddings.") || touched("vectorStore.")) return "indexChunks";
  if (touched("llm.")) return "writeScript";
  return undefined;
}

/** Formats changes for an error message, for example `storage.s3.bucket "a" -> "b"`. */
export function describeChanges(changes: ConfigChange[]): string {
  return changes.map((change) => `${change.setting} ${JSON.stringify(change.before)} -> ${JSON.stringify(change.after)}`).join(", ");
}
