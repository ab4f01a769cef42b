/**
 * The one path by which nodes write artifacts: through the storage adapter,
 * with the artifact recorded in the run's artifact ledger.
 */
import type { PutResult } from "../adapters/storage/storage-adapter.js";
import { putArtifact, type PutArtifactInput } from "../runs/artifact-ledger.js";
import type { Services } from "../services.js";

/** Parameters of one artifact write. */
export type ArtifactWrite = PutArtifactInput;

/** Stores an artifact (create-only), records it in the run's artifact ledger, and returns where it is. */
export async function storeArtifact(services: Services, write: ArtifactWrite): Promise<PutResult> {
  return putArtifact(services.storage, services.ledger, write);
}
