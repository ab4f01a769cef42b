/**
 * Named errors shared across doc2video. Each message names what failed, on
 * which value, and what to do next. A wrapped third-party error goes in `cause`.
 */

/** Base class, so callers can tell our errors from library bugs. */
export class Doc2VideoError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "Doc2VideoError";
  }
}

/** An input document that cannot be read: missing, empty, binary, truncated or too large. */
export class InputDocumentError extends Doc2VideoError {
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${path}: ${message}`, options);
    this.name = "InputDocumentError";
  }
}

/** A configuration value that is missing or invalid. */
export class ConfigError extends Doc2VideoError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConfigError";
  }
}

/** A storage operation that failed; carries the key so logs and messages can name it. */
export class StorageError extends Doc2VideoError {
  constructor(
    readonly key: string,
    message: string,
    options?: { cause?: unknown; retryable?: boolean },
  ) {
    super(message, options);
    this.name = "StorageError";
    this.retryable = options?.retryable ?? false;
  }

  /** True when the same call may succeed later (timeout, 5xx, throttling). */
  readonly retryable: boolean;
}

/** A create-only write found different bytes already stored under the key. */
export class StorageConflictError extends StorageError {
  constructor(key: string, existingSha256: string, newSha256: string) {
    super(
      key,
      `storage key ${key} already holds different content (stored sha256 ${existingSha256.slice(0, 12)}, new ${newSha256.slice(0, 12)}); ` +
        "artifacts are create-only, so delete the object or start a new run",
    );
    this.name = "StorageConflictError";
  }
}

/** A storage key that is empty, absolute, climbs with `..` or contains control characters. */
export class InvalidStorageKeyError extends StorageError {
  constructor(key: string, reason: string) {
    super(key, `invalid storage key ${JSON.stringify(key)}: ${reason}`);
    this.name = "InvalidStorageKeyError";
  }
}

/** A subprocess (ffmpeg, ffprobe, espeak-ng) that exited non-zero, timed out or was aborted. */
export class SubprocessError extends Doc2VideoError {
  constructor(
    readonly command: string,
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderrTail: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "SubprocessError";
  }
}

/** A run that cannot be started or resumed: unknown id, locked by another process, or changed input. */
export class RunError extends Doc2VideoError {
  constructor(
    readonly runId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "RunError";
  }
}

/** A script that failed schema validation, from a model or from the offline writer. */
export class ScriptValidationError extends Doc2VideoError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ScriptValidationError";
  }
}

/** Returns true when `error` came from an aborted signal rather than a failure of its own. */
export function isAbortError(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === "AbortError" || /aborted/i.test(error.message))
  );
}
