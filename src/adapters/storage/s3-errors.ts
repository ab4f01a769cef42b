/**
 * Turns AWS SDK failures into `StorageError`s that name the bucket, the
 * object and the fix, so a bad credential or a missing bucket reads as
 * such instead of as a bare `AccessDenied`.
 */
import { StorageError } from "../../errors.js";
import { httpStatusOf, type FailureKind } from "./retry.js";

const CREDENTIAL_ERROR_NAMES = new Set([
  "AccessDenied",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "InvalidToken",
  "TokenRefreshRequired",
  "CredentialsProviderError",
]);

/** The operation and object of a failed S3 call. */
export interface S3FailureContext {
  operation: string;
  bucket: string;
  /** The caller's key, stored on the error. */
  key: string;
  /** The full object name (key prefix included), shown in the message. */
  objectName: string;
  maxAttempts: number;
}

/** Returns the S3 error code (`NoSuchBucket`, `AccessDenied`, ...) or the error's name. */
export function s3ErrorName(error: unknown): string {
  if (typeof error !== "object" || error === null) return "UnknownError";
  const candidate = error as { Code?: unknown; name?: unknown };
  if (typeof candidate.Code === "string") return candidate.Code;
  return typeof candidate.name === "string" ? candidate.name : "UnknownError";
}

/** Wraps an S3 failure once, with a message naming bucket, object and the next step. */
export function toS3StorageError(error: unknown, kind: FailureKind, context: S3FailureContext): StorageError {
  const name = s3ErrorName(error);
  const status = httpStatusOf(error);
  const detail = `${name}${status ? ` (HTTP ${status})` : ""}: ${error instanceof Error ? error.message : String(error)}`;
  const target = `${context.operation} of ${context.objectName} in S3 bucket ${context.bucket}`;

  if (kind === "transient") {
    return new StorageError(
      context.key,
      `${target} failed after ${context.maxAttempts} attempts with a transient error, ${detail}; ` +
        "check the endpoint and network (S3_ENDPOINT, S3_REGION) and re-run, which keeps every artifact already stored",
      { cause: error, retryable: true },
    );
  }
  if (name === "NoSuchBucket") {
    return new StorageError(
      context.key,
      `${target} failed because the bucket does not exist; create bucket ${context.bucket} or set S3_BUCKET to an existing bucket`,
      { cause: error },
    );
  }
  if (name === "NoSuchKey" || name === "NotFound") {
    return new StorageError(
      context.key,
      `${target} failed because the object does not exist; check the key, or re-run the step that writes it`,
      { cause: error },
    );
  }
  if (status === 403 || CREDENTIAL_ERROR_NAMES.has(name)) {
    return new StorageError(
      context.key,
      `${target} was denied, ${detail}; check the credentials the AWS provider chain finds ` +
        "(AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and that they allow s3:GetObject, s3:PutObject, " +
        "s3:DeleteObject and s3:ListBucket on this bucket",
      { cause: error },
    );
  }
  return new StorageError(context.key, `${target} failed, ${detail}`, { cause: error });
}
