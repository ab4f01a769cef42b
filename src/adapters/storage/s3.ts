/**
 * S3 storage (`STORAGE_PROVIDER=s3`, or `minio`): AWS S3, MinIO or any
 * S3-compatible endpoint. Credentials come from the AWS SDK's default
 * provider chain unless a caller passes some; URLs are `s3://bucket/key`,
 * or `<public base>/<key>` when a public base URL is configured.
 *
 * Every object carries its SHA-256 as `x-amz-meta-sha256`, so the
 * create-only check compares hashes with one HEAD and never downloads.
 */
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createHash } from "node:crypto";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type PutObjectCommandInput,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { S3Config, StorageProviderName } from "../../config.js";
import { ConfigError, StorageError } from "../../errors.js";
import { getLogger } from "../../logger.js";
import { prepareBody, type PreparedBody } from "./body.js";
import { contentTypeFor } from "./content-type.js";
import { resolveExistingObject } from "./create-only.js";
import { writeDownload } from "./download-file.js";
import { ObjectNamer, encodeObjectPath } from "./object-name.js";
import { DEFAULT_RETRY_POLICY, httpStatusOf, withRetry, type FailureKind, type RetryPolicy } from "./retry.js";
import { s3ErrorName, toS3StorageError } from "./s3-errors.js";
import type {
  PutBody,
  PutOptions,
  PutResult,
  SignedUrlOptions,
  StorageAdapter,
  StoredObjectInfo,
} from "./storage-adapter.js";

/** HEAD requests in flight at once while listing. */
const LIST_HEAD_CONCURRENCY = 8;

/** S3's smallest multipart part; objects at or above it upload in parts. */
const MULTIPART_THRESHOLD_BYTES = 5 * 1024 * 1024;

/** Options that tests and embedding code may set beyond `S3Config`. */
export interface S3StorageOptions {
  /** Explicit credentials; omitted means the AWS SDK default provider chain. */
  credentials?: S3ClientConfig["credentials"];
  /** Retry policy for transient failures. */
  retry?: Partial<RetryPolicy>;
  /** `MaxKeys` of each ListObjectsV2 page (S3 caps it at 1000). */
  pageSize?: number;
  /** Objects of this size and more upload multipart; at least 5 MiB. */
  multipartThresholdBytes?: number;
  /** Timeout of a single HTTP request, in milliseconds. */
  requestTimeoutMs?: number;
}

/** The marker `sendCreateOnly` returns when the key was taken by the time the write arrived. */
const ALREADY_EXISTS = Symbol("already exists");

const sdkLog = getLogger("aws-sdk-s3");
const logSdkWarning = (...content: unknown[]) => sdkLog.debug({ content }, "AWS SDK warning");
const ignoreSdkMessage = () => {};

/**
 * The AWS SDK's own log output. Without a logger the SDK writes to the
 * console, for example a warning on every failed streaming upload. withRetry
 * already logs those failures with the bucket and key, so the SDK's warnings
 * and errors go to our log at debug level. Its info lines, one per request
 * with the command's input and output, are dropped.
 */
const SDK_LOGGER = {
  trace: ignoreSdkMessage,
  debug: ignoreSdkMessage,
  info: ignoreSdkMessage,
  warn: logSdkWarning,
  error: logSdkWarning,
};

/** Storage in an S3 bucket. */
export class S3StorageAdapter implements StorageAdapter {
  readonly provider: StorageProviderName;
  readonly bucket: string;
  private readonly client: S3Client;
  private readonly names: ObjectNamer;
  private readonly policy: RetryPolicy;
  private readonly pageSize: number;
  private readonly multipartThresholdBytes: number;
  /** Set once a HeadBucket succeeded; see `assertBucketExists`. */
  private bucketExists = false;

  constructor(
    private readonly config: S3Config,
    options: S3StorageOptions = {},
    provider: StorageProviderName = "s3",
  ) {
    if (!config.bucket) {
      throw new ConfigError(`STORAGE_PROVIDER=${provider} needs a bucket; set S3_BUCKET`);
    }
    this.provider = provider;
    this.bucket = config.bucket;
    this.names = new ObjectNamer(config.prefix, "S3_PREFIX");
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.pageSize = options.pageSize ?? 1000;
    this.multipartThresholdBytes = Math.max(options.multipartThresholdBytes ?? MULTIPART_THRESHOLD_BYTES, MULTIPART_THRESHOLD_BYTES);
    this.client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      credentials: options.credentials,
      // Retries happen in withRetry, which classifies and logs them; the SDK must not multiply them.
      maxAttempts: 1,
      // The SDK's default CRC32 trailers frame stream bodies as aws-chunked, which
      // MinIO, s3rver and GCS interop store verbatim; send checksums only where S3 requires them.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      requestHandler: { requestTimeout: options.requestTimeoutMs ?? 60_000, connectionTimeout: 10_000 },
      logger: SDK_LOGGER,
    });
  }

  /** Releases the client's sockets. */
  destroy(): void {
    this.client.destroy();
  }

  url(key: string): string {
    const objectName = this.names.objectName(key);
    if (this.config.publicBaseUrl) {
      return `${this.config.publicBaseUrl.replace(/\/+$/, "")}/${encodeObjectPath(objectName)}`;
    }
    return `s3://${this.bucket}/${objectName}`;
  }

  async signedUrl(key: string, options: SignedUrlOptions = {}): Promise<string> {
    const objectName = this.names.objectName(key);
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: objectName }), {
      expiresIn: options.expiresInSeconds ?? 3600,
    });
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
      const outcome = await this.retrying("put", key, options.signal, (attempt) =>
        this.sendCreateOnly(objectName, prepared, contentType, metadata, attempt, options.signal),
      );
      if (outcome === ALREADY_EXISTS) {
        const winner = await this.head(key);
        if (!winner) {
          throw new StorageError(key, `S3 reported ${objectName} in bucket ${this.bucket} as existing, but HEAD found nothing; re-run the step`, { retryable: true });
        }
        return await resolveExistingObject(winner, prepared.sha256, hashStored);
      }
      return { key, url: this.url(key), bytes: prepared.bytes, contentType, sha256: prepared.sha256, metadata, created: true };
    } finally {
      if (prepared.kind === "file") await prepared.cleanup();
    }
  }

  /**
   * Writes with `If-None-Match: *`, so S3 itself refuses to replace an
   * object created since the HEAD in `put`; a 412 means exactly that.
   */
  private async sendCreateOnly(
    objectName: string,
    prepared: PreparedBody,
    contentType: string,
    metadata: Record<string, string>,
    attempt: number,
    signal: AbortSignal | undefined,
  ): Promise<typeof ALREADY_EXISTS | undefined> {
    // NOTE: s3rver 3.7.1 ignores If-None-Match on PUT, so against it only the
    // HEAD in `put` enforces create-only. Two writers racing between that HEAD
    // and this PUT would both succeed there, where real S3 and MinIO return 412.
    const params: PutObjectCommandInput = {
      Bucket: this.bucket,
      Key: objectName,
      ContentType: contentType,
      Metadata: encodeMetadata(metadata),
      IfNoneMatch: "*",
    };
    const body = prepared.kind === "buffer" ? prepared.buffer : createReadStream(prepared.path);
    try {
      if (prepared.bytes >= this.multipartThresholdBytes) {
        const upload = new Upload({
          client: this.client,
          params: { ...params, Body: body },
          partSize: MULTIPART_THRESHOLD_BYTES,
          queueSize: 2,
          leavePartsOnError: false,
        });
        const onAbort = () => void upload.abort();
        signal?.addEventListener("abort", onAbort, { once: true });
        try {
          await upload.done();
        } finally {
          signal?.removeEventListener("abort", onAbort);
        }
      } else {
        await this.client.send(new PutObjectCommand({ ...params, Body: body, ContentLength: prepared.bytes }), {
          abortSignal: signal,
        });
      }
      return undefined;
    } catch (error) {
      if (httpStatusOf(error) === 412 || s3ErrorName(error) === "PreconditionFailed") return ALREADY_EXISTS;
      // A 409 here means another create-only write to the key is in flight; retrying settles it.
      if (s3ErrorName(error) === "ConditionalRequestConflict") {
        throw new StorageError(objectName, `concurrent write to ${objectName} (attempt ${attempt})`, { cause: error, retryable: true });
      }
      throw error;
    } finally {
      if (body instanceof Readable) body.destroy();
    }
  }

  async head(key: string): Promise<StoredObjectInfo | undefined> {
    const objectName = this.names.objectName(key);
    return this.retrying("head", key, undefined, async () => {
      try {
        const response = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectName }));
        const metadata = decodeMetadata(response.Metadata ?? {});
        return {
          key,
          url: this.url(key),
          bytes: response.ContentLength ?? 0,
          contentType: response.ContentType ?? "application/octet-stream",
          // NOTE: objects written by other tools have no sha256 metadata; head reports "" for them.
          sha256: metadata.sha256 ?? "",
          metadata,
        };
      } catch (error) {
        if (httpStatusOf(error) !== 404 || s3ErrorName(error) === "NoSuchBucket") throw error;
        await this.assertBucketExists();
        return undefined;
      }
    });
  }

  /**
   * Checks once per adapter that the bucket exists. A 404 to HEAD has no
   * body, so a missing bucket looks like a missing object; HeadBucket's 404
   * becomes a `NoSuchBucket` error, and a success is remembered.
   */
  private async assertBucketExists(): Promise<void> {
    if (this.bucketExists) return;
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      this.bucketExists = true;
    } catch (error) {
      if (httpStatusOf(error) === 404) {
        throw Object.assign(new Error(`bucket ${this.bucket} not found`, { cause: error }), {
          name: "NoSuchBucket",
          $metadata: { httpStatusCode: 404 },
        });
      }
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== undefined;
  }

  async get(key: string, options: { signal?: AbortSignal } = {}): Promise<Buffer> {
    const objectName = this.names.objectName(key);
    return this.retrying("get", key, options.signal, async () => {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectName }), {
        abortSignal: options.signal,
      });
      if (!response.Body) throw new StorageError(key, `S3 returned no body for ${objectName}`, { retryable: true });
      return Buffer.from(await response.Body.transformToByteArray());
    });
  }

  async download(key: string, destinationPath: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    const objectName = this.names.objectName(key);
    await this.retrying("download", key, options.signal, async () => {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectName }), {
        abortSignal: options.signal,
      });
      if (!(response.Body instanceof Readable)) {
        throw new StorageError(key, `S3 returned no readable body for ${objectName}`, { retryable: true });
      }
      await writeDownload(response.Body, destinationPath, options.signal);
    });
  }

  async *list(prefix: string): AsyncIterable<StoredObjectInfo> {
    const listPrefix = this.names.listPrefix(prefix);
    let continuationToken: string | undefined;
    do {
      const page = await this.retrying("list", prefix, undefined, () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: listPrefix,
            MaxKeys: this.pageSize,
            ContinuationToken: continuationToken,
          }),
        ),
      );
      // Listings carry no user metadata, so each object costs one HEAD for its
      // hash and content type. A few run at once, and results keep list order.
      const keys = (page.Contents ?? [])
        .map((entry) => (entry.Key === undefined ? undefined : this.names.keyOf(entry.Key)))
        .filter((key): key is string => key !== undefined);
      for (let start = 0; start < keys.length; start += LIST_HEAD_CONCURRENCY) {
        const batch = keys.slice(start, start + LIST_HEAD_CONCURRENCY);
        for (const info of await Promise.all(batch.map((key) => this.head(key)))) {
          if (info) yield info;
        }
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
  }

  async delete(key: string): Promise<void> {
    const objectName = this.names.objectName(key);
    await this.retrying("delete", key, undefined, () =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: objectName })),
    );
  }

  private async hashStoredObject(key: string, signal: AbortSignal | undefined): Promise<string> {
    const objectName = this.names.objectName(key);
    return this.retrying("get", key, signal, async () => {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectName }), {
        abortSignal: signal,
      });
      const hash = createHash("sha256");
      if (response.Body instanceof Readable) await pipeline(response.Body, hash, { signal });
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
      bucket: this.bucket,
      key: objectName,
      policy: this.policy,
      signal,
      toStorageError: (error: unknown, kind: FailureKind) =>
        toS3StorageError(error, kind, { operation, bucket: this.bucket, key, objectName, maxAttempts: this.policy.maxAttempts }),
    });
  }
}

/**
 * S3 sends user metadata as HTTP headers, which only carry ASCII, so every
 * value is percent-encoded on write and decoded on read. Header names come
 * back lower-cased, so metadata names should be lower-case.
 */
function encodeMetadata(metadata: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(metadata).map(([name, value]) => [name, encodeURIComponent(value)]));
}

function decodeMetadata(metadata: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(metadata).map(([name, value]) => {
      try {
        return [name, decodeURIComponent(value)];
      } catch {
        // Written by another tool without our encoding; keep it as stored.
        return [name, value];
      }
    }),
  );
}
