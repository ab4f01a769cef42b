/**
 * Retries for remote storage calls. Transient failures (timeouts, 5xx,
 * throttling, dropped connections) are retried with exponential backoff and
 * full jitter. Anything else fails at once, so a bad credential or a missing
 * bucket is reported in milliseconds, not after minutes of retrying.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { StorageError, isAbortError } from "../../errors.js";
import { getLogger } from "../../logger.js";

const log = getLogger("storage-retry");

/** How often and how long to retry a transient failure. */
export interface RetryPolicy {
  /** Attempts in total, the first included; 1 disables retries. */
  maxAttempts: number;
  /** Delay cap of the first retry, in milliseconds; it doubles on each later retry. */
  baseDelayMs: number;
  /** Upper bound of any single delay, in milliseconds. */
  maxDelayMs: number;
}

/** Five attempts spread over about 6 s at most; enough to ride out S3 `SlowDown` and brief 503s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 3_000 };

/** Whether a failed call may succeed when repeated. */
export type FailureKind = "transient" | "permanent";

const TRANSIENT_NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

const TRANSIENT_ERROR_NAMES = new Set([
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "InternalError",
  "ServiceUnavailable",
  "OperationAborted",
]);

/** Returns the HTTP status carried by an AWS SDK, GCS (gaxios) or our own error, if any. */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const candidate = error as {
    $metadata?: { httpStatusCode?: number };
    code?: unknown;
    status?: unknown;
    response?: { status?: unknown };
  };
  if (typeof candidate.$metadata?.httpStatusCode === "number") return candidate.$metadata.httpStatusCode;
  if (typeof candidate.code === "number") return candidate.code;
  if (typeof candidate.status === "number") return candidate.status;
  if (typeof candidate.response?.status === "number") return candidate.response.status;
  return undefined;
}

/** Sorts a failure into transient or permanent by its status, error name and network error code. */
export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof StorageError) return error.retryable ? "transient" : "permanent";
  const status = httpStatusOf(error);
  if (status !== undefined) {
    return status === 408 || status === 429 || status >= 500 ? "transient" : "permanent";
  }
  if (!(error instanceof Error)) return "permanent";
  if (TRANSIENT_ERROR_NAMES.has(error.name)) return "transient";
  // Network errors sit on the error itself or, for fetch/undici, on its cause.
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === "string" && TRANSIENT_NETWORK_CODES.has(code)) return "transient";
  }
  return /socket hang up|timed? ?out|network error/i.test(error.message) ? "transient" : "permanent";
}

/** Delay before retry number `retry` (1 for the first): uniform in [0, min(max, base * 2^(retry-1))]. */
export function backoffDelayMs(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * cap);
}

/** The operation, bucket and object of a retried call, for logs and for the final error. */
export interface RetryContext {
  /** Operation name such as `put` or `list`. */
  operation: string;
  bucket: string;
  /** Full object name (prefix included) or list prefix. */
  key: string;
  policy: RetryPolicy;
  signal?: AbortSignal;
  /** Turns the last failure into the `StorageError` thrown to the caller. */
  toStorageError: (error: unknown, kind: FailureKind) => StorageError;
}

/**
 * Runs `call` until it succeeds, fails permanently, or uses up the policy's
 * attempts. Each retry is logged with the attempt number and the delay.
 */
export async function withRetry<T>(call: (attempt: number) => Promise<T>, context: RetryContext): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      if (context.signal?.aborted || isAbortError(error)) throw error;
      const kind = classifyFailure(error);
      if (kind === "permanent" || attempt >= context.policy.maxAttempts) {
        throw context.toStorageError(error, kind);
      }
      const delayMs = backoffDelayMs(context.policy, attempt);
      log.warn(
        {
          operation: context.operation,
          bucket: context.bucket,
          key: context.key,
          attempt,
          maxAttempts: context.policy.maxAttempts,
          delayMs,
          err: error instanceof Error ? { name: error.name, message: error.message, status: httpStatusOf(error) } : error,
        },
        "transient storage failure; retrying",
      );
      await sleep(delayMs, undefined, { signal: context.signal });
    }
  }
}
