/**
 * Turns Google Cloud Storage failures into `StorageError`s that name the
 * bucket, the object and the fix.
 */
import { StorageError } from "../../errors.js";
import { httpStatusOf, type FailureKind } from "./retry.js";

/** The operation and object of a failed GCS call. */
export interface GcsFailureContext {
  operation: string;
  bucket: string;
  /** The caller's key, stored on the error. */
  key: string;
  /** The full object name (key prefix included), shown in the message. */
  objectName: string;
  maxAttempts: number;
}

/** Wraps a GCS failure once, with a message naming bucket, object and the next step. */
export function toGcsStorageError(error: unknown, kind: FailureKind, context: GcsFailureContext): StorageError {
  const status = httpStatusOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const detail = `${status ? `HTTP ${status}: ` : ""}${message}`;
  const target = `${context.operation} of ${context.objectName} in GCS bucket ${context.bucket}`;

  if (kind === "transient") {
    return new StorageError(
      context.key,
      `${target} failed after ${context.maxAttempts} attempts with a transient error, ${detail}; ` +
        "check the network (and GCS_API_ENDPOINT if set) and re-run, which keeps every artifact already stored",
      { cause: error, retryable: true },
    );
  }
  if (status === 404 && /bucket/i.test(message)) {
    return new StorageError(
      context.key,
      `${target} failed because the bucket does not exist; create bucket ${context.bucket} or set GCS_BUCKET to an existing bucket`,
      { cause: error },
    );
  }
  if (status === 404) {
    return new StorageError(
      context.key,
      `${target} failed because the object does not exist; check the key, or re-run the step that writes it`,
      { cause: error },
    );
  }
  if (status === 401 || status === 403 || /credentials|invalid_grant|unauthenticated/i.test(message)) {
    return new StorageError(
      context.key,
      `${target} was denied, ${detail}; check the Application Default Credentials ` +
        "(GOOGLE_APPLICATION_CREDENTIALS, or `gcloud auth application-default login`) and that the account " +
        "has roles/storage.objectAdmin on this bucket",
      { cause: error },
    );
  }
  return new StorageError(context.key, `${target} failed, ${detail}`, { cause: error });
}
