import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it, beforeAll, afterAll } from "vitest";
import { S3StorageAdapter, type S3StorageOptions } from "../../../src/adapters/storage/s3.js";
import type { S3Config } from "../../../src/config.js";
import { StorageError } from "../../../src/errors.js";
import { S3RVER_CREDENTIALS, startS3rver, type RunningS3rver } from "../../fakes/s3rver.js";
import { defineStorageContract } from "./storage-contract.js";

const FAST_RETRY = { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 };

function s3Config(server: RunningS3rver, overrides: Partial<S3Config> = {}): S3Config {
  return {
    bucket: "artifacts",
    prefix: "tenant-a",
    region: "us-east-1",
    endpoint: server.endpoint,
    forcePathStyle: true,
    ...overrides,
  };
}

function s3Adapter(server: RunningS3rver, overrides: Partial<S3Config> = {}, options: S3StorageOptions = {}) {
  return new S3StorageAdapter(s3Config(server, overrides), {
    credentials: S3RVER_CREDENTIALS,
    retry: FAST_RETRY,
    pageSize: 3,
    ...options,
  });
}

function isObjectWrite(method: string, query: URLSearchParams): boolean {
  return (method === "PUT" || method === "POST") && !query.has("uploadId") && !query.has("uploads")
    ? method === "PUT"
    : query.has("uploads") || query.has("partNumber");
}

defineStorageContract("s3", { remote: true }, async () => {
  const server = await startS3rver({ buckets: ["artifacts"] });
  const adapter = s3Adapter(server);
  const denied = s3Adapter(server, {}, { credentials: { accessKeyId: "WRONG", secretAccessKey: "WRONG" } });
  const missing = s3Adapter(server, { bucket: "no-such-bucket" });
  return {
    adapter,
    urlScheme: "s3:",
    countUploadRequests: () => server.requests.filter((request) => isObjectWrite(request.method, request.query)).length,
    countMultipartUploads: () =>
      server.requests.filter((request) => request.method === "POST" && request.query.has("uploads")).length,
    failNextRequests: (count) => server.injectFault({ count, status: 503, code: "ServiceUnavailable" }),
    countFailedRequests: () => server.requests.filter((request) => request.status === 503).length,
    denied: { adapter: denied, bucket: "artifacts" },
    missingBucket: { adapter: missing, bucket: "no-such-bucket" },
    close: async () => {
      for (const client of [adapter, denied, missing]) client.destroy();
      await server.close();
    },
  };
});

describe("s3 adapter", () => {
  let server: RunningS3rver;
  let adapter: S3StorageAdapter;

  beforeAll(async () => {
    server = await startS3rver({ buckets: ["artifacts"] });
    adapter = s3Adapter(server);
  });

  afterAll(async () => {
    adapter?.destroy();
    await server?.close();
  });

  it("prefix is prepended on the wire", async () => {
    await adapter.put("runs/r1/a.txt", "a");
    const write = server.requests.find((request) => request.method === "PUT");
    expect(write?.path).toBe("/artifacts/tenant-a/runs/r1/a.txt");
  });

  it("canonical url names bucket and prefix", () => {
    expect(adapter.url("runs/r1/第一章.mp4")).toBe("s3://artifacts/tenant-a/runs/r1/第一章.mp4");
  });

  it("public base url encodes the key", () => {
    const publicAdapter = s3Adapter(server, { publicBaseUrl: "https://cdn.example.test/media/" });
    expect(publicAdapter.url("runs/r1/a b+c.mp4")).toBe("https://cdn.example.test/media/tenant-a/runs/r1/a%20b%2Bc.mp4");
    publicAdapter.destroy();
  });

  it("presigned url downloads the object", async () => {
    await adapter.put("signed/第一章 it's+%20.txt", "signed content");
    const url = await adapter.signedUrl("signed/第一章 it's+%20.txt", { expiresInSeconds: 60 });
    expect(url).toContain("X-Amz-Signature=");
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("signed content");
  });

  it("exhausted retries report a transient error", async () => {
    server.injectFault({ count: 10, status: 503, code: "SlowDown" });
    const attempt = adapter.get("retry/never.txt");
    await expect(attempt).rejects.toThrow(/after 4 attempts/);
    server.clearFaults();
  });

  it("412 on write is resolved by comparing hashes", async () => {
    // Real S3 returns 412 when another writer created the key after our HEAD.
    await adapter.put("race/same.txt", "same bytes");
    server.injectFault({
      count: 1,
      status: 404,
      code: "NotFound",
      matches: (method, url) => method === "HEAD" && url.pathname.endsWith("race/same.txt"),
    });
    server.injectFault({ count: 1, status: 412, code: "PreconditionFailed", matches: (method) => method === "PUT" });
    const result = await adapter.put("race/same.txt", "same bytes");
    expect(result.created).toBe(false);
    await expect(adapter.put("race/same.txt", "other bytes")).rejects.toThrow(/race\/same\.txt/);
  });

  it("503 on the upload itself is retried", async () => {
    server.injectFault({ count: 1, status: 503, code: "SlowDown", matches: (method) => method === "PUT" });
    const result = await adapter.put("retry/upload.txt", "uploaded after a retry");
    expect(result.created).toBe(true);
    const puts = server.requests.filter((request) => request.method === "PUT" && request.path.endsWith("retry/upload.txt"));
    expect(puts.map((request) => request.status)).toEqual([503, 200]);
  });

  it("refused connection is transient", async () => {
    const closed = new S3StorageAdapter(
      { bucket: "artifacts", prefix: "", region: "us-east-1", endpoint: "http://127.0.0.1:9", forcePathStyle: true },
      { credentials: S3RVER_CREDENTIALS, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } },
    );
    const error = (await closed.get("x.txt").catch((caught: unknown) => caught)) as StorageError;
    expect(error).toBeInstanceOf(StorageError);
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/after 2 attempts/);
    closed.destroy();
  });

  it("aborted put stops the upload", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(adapter.put("abort/never.txt", Readable.from(["x"]), { signal: controller.signal })).rejects.toThrow(/abort/i);
    expect(await adapter.exists("abort/never.txt")).toBe(false);
  });

  it("failed download leaves no file", async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), "doc2video-s3-download-"));
    const destination = path.join(folder, "out.txt");
    await expect(adapter.download("download/missing.txt", destination)).rejects.toThrow(/does not exist/);
    expect(await readdir(folder)).toEqual([]);
    await rm(folder, { recursive: true, force: true });
  });
});

