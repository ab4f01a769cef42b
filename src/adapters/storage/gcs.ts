/**
 * Google Cloud Storage (`STORAGE_PROVIDER=gcs`) through @google-cloud/storage
 * with Application Default Credentials. URLs are `gs://bucket/key`, or
 * `<public base>/<key>` when a public base URL is configured.
 *
 * Every object carries its SHA-256 in its custom metadata, so the
 * create-only check compares hashes from the object resource and never
 * downloads. Writes send `ifGenerationMatch=0`, so GCS itself rejects a
 * write to an object that appeared after that check.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Storage, type Bucket, type FileMetadata, type StorageOptions } from "@google-cloud/storage";
import type { GcsConfig } from "../../config.js";
import { ConfigError, StorageError } from "../../errors.js";
import { prepareBody, type PreparedBody } from "./body.js";
import { contentTypeFor } from "./content-type.js";
import { resolveExistingObject } from "./create-only.js";
import { readToBuffer, writeDownload } from "./download-file.js";
import { toGcsStorageError } from "./gcs-errors.js";
import { ObjectNamer, encodeObjectPath } from "./object-name.js";
import { DEFAULT_RETRY_POLICY, httpStatusOf, withRetry, type FailureKind, type RetryPolicy } from "./retry.js";
import type {
  PutBody,
  PutOptions,
  PutResult,
  SignedUrlOptions,
  StorageAdapter,
  StoredObjectInfo,
} from "./storage-adapter.js";

/** Objects of 5 MiB and more use a resumable upload streamed from disk, like S3 multipart. */
const RESUMABLE_THRESHOLD_BYTES = 5 * 1024 * 1024;

/** Options that tests and embedding code may set beyond `GcsConfig`. */
export interface GcsStorageOptions {
  /** Service-account credentials; omitted means Application Default Credentials. */
  credentials?: StorageOptions["credentials"];
  /** Retry policy for transient failures. */
  retry?: Partial<RetryPolicy>;
  /** `maxResults` of each list page (GCS caps it at 1000). */
  pageSize?: number;
  /** Objects of this size and more use a resumable upload. */
  resumableThresholdBytes?: number;
  /** Timeout of a single HTTP request, in milliseconds. */
  requestTimeoutMs?: number;
}

/** The marker `sendCreateOnly` returns when the key was taken by the time the write arrived. */
const ALREADY_EXISTS = Symbol("already exists");

/** Storage in a Google Cloud Storage bucket. */
export class GcsStorageAdapter implements StorageAdapter {
  readonly provider = "gcs" as const;
  readonly bucketName: string;
  private readonly bucket: Bucket;
  private readonly names: ObjectNamer;
  private readonly policy: RetryPolicy;
  private readonly pageSize: number;
  private readonly resumableThresholdBytes: number;
  private readonly requestTimeoutMs: number;

  constructor(
    private readonly config: GcsConfig,
    options: GcsStorageOptions = {},
  ) {
    if (!config.bucket) throw new ConfigError("STORAGE_PROVIDER=gcs needs a bucket; set GCS_BUCKET");
    this.bucketName = config.bucket;
    this.names = new ObjectNamer(config.prefix, "GCS_PREFIX");
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.pageSize = options.pageSize ?? 1000;
    this.resumableThresholdBytes = options.resumableThresholdBytes ?? RESUMABLE_THRESHOLD_BYTES;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
    const storage = new Storage({
      projectId: config.projectId,
      // NOTE: with a custom apiEndpoint the library sends no credentials,
      // because its useAuthWithCustomEndpoint defaults to false. That suits
      // emulators, and credentials are still used locally to sign URLs.
      apiEndpoint: config.apiEndpoint,
      credentials: options.credentials,
      // Retries happen in withRetry, which classifies and logs them; the library must not multiply them.
      retryOptions: { autoRetry: false },
    });
    this.bucket = storage.bucket(config.bucket);
  }

  url(key: string): string {
    const objectName = this.names.objectName(key);
    if (this.config.publicBaseUrl) {
      return `${this.config.publicBaseUrl.replace(/\/+$/, "")}/${encodeObjectPath(objectName)}`;
    }
    return `gs://${this.bucketName}/${objectName}`;
  }

  async signedUrl(key: string, options: SignedUrlOptions = {}): Promise<string> {
    const objectName = this.names.objectName(key);
    try {
      const [url] = await this.bucket.file(objectName).getSignedUrl({
        version: "v4",
        action: "read",
        expires: Date.now() + (options.expiresInSeconds ?? 3600) * 1000,
      });
      return url;
    } catch (error) {
      throw new StorageError(
        key,
        `signing a URL for ${objectName} in GCS bucket ${this.bucketName} failed: ${(error as Error).message}; ` +
          "signing needs service-account credentials with a private key or the iam.serviceAccounts.signBlob permission",
        { cause: error },
      );
    }
  }

  async put(key: string, body: PutBody, options: PutOptions = {}): Promise<PutResult> {
    const objectName = this.names.objectName(key);
    const prepared = await prepareBody(body, options.signal);
    try {
      const hashStored = () => this.hashStoredObject(key, options.signal);
      const existing = await this.head(key);
      if (existing) return await resolveExistingObject(existing, prepared.sha256, hashStored);

      const contentType = options.contentType ?? contentTypeFor(key);
      const metadata = { ...options.metadata, sha256: prepared.sha256 };
      const outcome = await this.retrying("put", key, options.signal, () =>
        this.sendCreateOnly(objectName, prepared, contentType, metadata, options.signal),
      );
      if (outcome === ALREADY_EXISTS) {
        const winner = await this.head(key);
        if (!winner) {
          throw new StorageError(key, `GCS reported ${objectName} in bucket ${this.bucketName} as existing, but it is gone; re-run the step`, { retryable: true });
        }
        return await resolveExistingObject(winner, prepared.sha256, hashStored);
      }
      return { key, url: this.url(key), bytes: prepared.bytes, contentType, sha256: prepared.sha256, metadata, created: true };
    } finally {
      if (prepared.kind === "file") await prepared.cleanup();
    }
  }

  private async sendCreateOnly(
    objectName: string,
    prepared: PreparedBody,
    contentType: string,
    metadata: Record<string, string>,
    signal: AbortSignal | undefined,
  ): Promise<typeof ALREADY_EXISTS | undefined> {
    const destination = this.bucket.file(objectName).createWriteStream({
      resumable: prepared.bytes >= this.resumableThresholdBytes,
      preconditionOpts: { ifGenerationMatch: 0 },
      contentType,
      metadata: { contentType, metadata },
      timeout: this.requestTimeoutMs,
    });
    const source = prepared.kind === "buffer" ? Readable.from([prepared.buffer]) : createReadStream(prepared.path);
    try {
      // pipeline() destroys both streams on abort, which cancels the upload request.
      await pipeline(source, destination, { signal });
      return undefined;
    } catch (error) {
      if (httpStatusOf(error) === 412) return ALREADY_EXISTS;
      throw error;
    }
  }

  async head(key: string): Promise<StoredObjectInfo | undefined> {
    const objectName = this.names.objectName(key);
    return this.retrying("head", key, undefined, async () => {
      try {
        const [resource] = await this.bucket.file(objectName).getMetadata();
        return this.describe(key, resource);
      } catch (error) {
        // GCS returns 404 for a missing bucket as well, which only its message distinguishes.
        if (httpStatusOf(error) === 404 && !/bucket does not exist/i.test((error as Error).message)) return undefined;
        throw error;
      }
    });
  }

  private describe(key: string, resource: FileMetadata): StoredObjectInfo {
    const metadata: Record<string, string> = {};
    for (const [name, value] of Object.entries(resource.metadata ?? {})) {
      if (value !== null && value !== undefined) metadata[name] = String(value);
    }
    return {
      key,
      url: this.url(key),
      bytes: Number(resource.size ?? 0),
      contentType: resource.contentType ?? "application/octet-stream",
      // NOTE: objects written by other tools have no sha256 metadata; head reports "" for them.
      sha256: metadata.sha256 ?? "",
      metadata,
    };
  }

  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== undefined;
  }

  async get(key: string, options: { signal?: AbortSignal } = {}): Promise<Buffer> {
    const objectName = this.names.objectName(key);
    // createReadStream checks the CRC32C from the response's x-goog-hash header, as download() does.
    return this.retrying("get", key, options.signal, () =>
      readToBuffer(this.bucket.file(objectName).createReadStream(), options.signal),
    );
  }

  async download(key: string, destinationPath: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    const objectName = this.names.objectName(key);
    await this.retrying("download", key, options.signal, () =>
      writeDownload(this.bucket.file(objectName).createReadStream(), destinationPath, options.signal),
    );
  }

  async *list(prefix: string): AsyncIterable<StoredObjectInfo> {
    const listPrefix = this.names.listPrefix(prefix);
    let pageToken: string | undefined;
    do {
      const [files, nextQuery] = await this.retrying("list", prefix, undefined, () =>
        this.bucket.getFiles({ prefix: listPrefix, maxResults: this.pageSize, autoPaginate: false, pageToken }),
      );
      // Listed object resources carry custom metadata, so no per-object request is needed.
      for (const file of files) {
        const key = this.names.keyOf(file.name);
        if (key !== undefined) yield this.describe(key, file.metadata);
      }
      pageToken = (nextQuery as { pageToken?: string } | null | undefined)?.pageToken;
    } while (pageToken);
  }

  async delete(key: string): Promise<void> {
    const objectName = this.names.objectName(key);
    await this.retrying("delete", key, undefined, async () => {
      await this.bucket.file(objectName).delete({ ignoreNotFound: true });
    });
  }

  private async hashStoredObject(key: string, signal: AbortSignal | undefined): Promise<string> {
    const objectName = this.names.objectName(key);
    return this.retrying("get", key, signal, async () => {
      const hash = createHash("sha256");
      await pipeline(this.bucket.file(objectName).createReadStream(), hash, { signal });
      return hash.digest("hex");
    });
  }

  private retrying<T>(
    operation: string,
    key: string,
    signal: AbortSignal | undefined,
    call: (attempt: number) => Promise<T>,
  ): Promise<T> {
    const objectName = operation === "list" ? this.names.listPrefix(key) : this.names.objectName(key);
    return withRetry(call, {
      operation,
      bucket: this.bucketName,
      key: objectName,
      policy: this.policy,
      signal,
      toStorageError: (error: unknown, kind: FailureKind) =>
        toGcsStorageError(error, kind, {
          operation,
          bucket: this.bucketName,
          key,
          objectName,
          maxAttempts: this.policy.maxAttempts,
        }),
    });
  }
}
