/**
 * The one path by which nodes write artifacts: through the storage adapter,
 * with the artifact recorded for the run.
 */
import type { PutBody, PutResult } from "../adapters/storage/storage-adapter.js";
import { putArtifact } from "../runs/artifact-ledger.js";
import type { Services } from "../services.js";

/** Parameters of one artifact write. */
export interface ArtifactWrite {
  runId: string;
  key: string;
  body: PutBody;
  node: string;
  chapterIndex?: number;
  contentType?: string;
  /** Extra object metadata, such as the hash of the inputs that produced it. */
  metadata?: Record<string, string>;
  signal?: AbortSignal;
}

/** Stores an artifact (create-only), records it in the run's artifact ledger, and returns where it is. */
export async function storeArtifact(services: Services, write: ArtifactWrite): Promise<PutResult> {
  return putArtifact(services.storage, services.ledger, write);
}
