/**
 * The storage interface every artifact goes through. One backend per file
 * (local.ts, s3.ts, gcs.ts); `getStorageAdapter()` in index.ts picks one.
 *
 * Writes are create-only and content-hashed: putting the same bytes under an
 * existing key is a no-op that returns the stored object, and different bytes
 * raise `StorageConflictError`. Re-running a node therefore never duplicates
 * or silently overwrites an artifact.
 */
import type { Readable } from "node:stream";
import type { StorageProviderName } from "../../config.js";

/** Body of a `put`: a file on disk (streamed, multipart when large), bytes, or a stream. */
export type PutBody =
  | { path: string }
  | Buffer
  | Uint8Array
  | string
  | Readable;

/** Options of one write. */
export interface PutOptions {
  /** MIME type; guessed from the key's extension when omitted. */
  contentType?: string;
  /** Extra metadata stored with the object (string values only). */
  metadata?: Record<string, string>;
  /** Cancels the upload. */
  signal?: AbortSignal;
}

/** Facts about one stored object. */
export interface StoredObjectInfo {
  key: string;
  /** Canonical URL: `file://`, `s3://bucket/key`, `gs://bucket/key`, or the configured public https form. */
  url: string;
  bytes: number;
  contentType: string;
  /** Hex SHA-256 of the content, as recorded at write time. */
  sha256: string;
  metadata: Record<string, string>;
}

/** Result of `put`: the object, and whether this call created it. */
export interface PutResult extends StoredObjectInfo {
  created: boolean;
}

/** Options of `signedUrl`. */
export interface SignedUrlOptions {
  expiresInSeconds?: number;
}

/** One storage backend. Keys are relative, `/`-separated and checked by `assertSafeKey`. */
export interface StorageAdapter {
  readonly provider: StorageProviderName;
  /** Writes an object once; see the module comment for the create-only rule. */
  put(key: string, body: PutBody, options?: PutOptions): Promise<PutResult>;
  /** Reads a whole object; throws `StorageError` when it is missing. */
  get(key: string, options?: { signal?: AbortSignal }): Promise<Buffer>;
  /** Streams an object to a local file, creating parent folders. */
  download(key: string, destinationPath: string, options?: { signal?: AbortSignal }): Promise<void>;
  /** Returns the object's facts, or `undefined` when it does not exist. */
  head(key: string): Promise<StoredObjectInfo | undefined>;
  exists(key: string): Promise<boolean>;
  /** Canonical URL of a key, whether or not it exists yet. */
  url(key: string): string;
  /** Time-limited URL for reading without credentials, where the backend supports it. */
  signedUrl(key: string, options?: SignedUrlOptions): Promise<string>;
  /** Lists every object whose key starts with `prefix`, following pages. */
  list(prefix: string): AsyncIterable<StoredObjectInfo>;
  delete(key: string): Promise<void>;
}
