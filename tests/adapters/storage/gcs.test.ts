import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GcsStorageAdapter } from "../../../src/adapters/storage/gcs.js";
import type { GcsConfig } from "../../../src/config.js";
import { startFakeGcsServer, type FakeGcsServer } from "../../fakes/gcs-server.js";
import { defineStorageContract } from "./storage-contract.js";

const FAST_RETRY = { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 };

/** Service-account credentials with a fresh RSA key, so URL signing works offline. */
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const FAKE_CREDENTIALS = {
  client_email: "fake-sa@test.iam.gserviceaccount.com",
  private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
};

function gcsAdapter(server: FakeGcsServer, overrides: Partial<GcsConfig> = {}): GcsStorageAdapter {
  return new GcsStorageAdapter(
    { bucket: "artifacts", prefix: "tenant-a", projectId: "test-project", apiEndpoint: server.endpoint, ...overrides },
    { credentials: FAKE_CREDENTIALS, retry: FAST_RETRY, pageSize: 3 },
  );
}

function isUpload(request: { method: string; path: string; query: URLSearchParams }): boolean {
  if (!request.path.startsWith("/upload/")) return false;
  return request.method === "PUT" || request.query.get("uploadType") === "multipart";
}

defineStorageContract("gcs", { remote: true }, async () => {
  const server = await startFakeGcsServer({ buckets: ["artifacts"], deniedBuckets: ["locked"] });
  return {
    adapter: gcsAdapter(server),
    urlScheme: "gs:",
    countUploadRequests: () => server.requests.filter(isUpload).length,
    countMultipartUploads: () => server.requests.filter((request) => request.query.get("uploadType") === "resumable" && request.method === "POST").length,
    failNextRequests: (count) => server.failNext(count, 503),
    countFailedRequests: () => server.requests.filter((request) => request.status === 503).length,
    denied: { adapter: gcsAdapter(server, { bucket: "locked" }), bucket: "locked" },
    missingBucket: { adapter: gcsAdapter(server, { bucket: "no-such-bucket" }), bucket: "no-such-bucket" },
    close: () => server.close(),
  };
});

describe("gcs adapter", () => {
  let server: FakeGcsServer;
  let adapter: GcsStorageAdapter;

  beforeAll(async () => {
    server = await startFakeGcsServer({ buckets: ["artifacts"] });
    adapter = gcsAdapter(server);
  });

  afterAll(async () => {
    await server?.close();
  });

  it("prefix is prepended to object names", async () => {
    await adapter.put("runs/r1/a.txt", "a");
    expect([...server.objects.keys()]).toContain("artifacts/tenant-a/runs/r1/a.txt");
  });

  it("writes send ifGenerationMatch=0", async () => {
    await adapter.put("runs/r1/precondition.txt", "p");
    const upload = server.requests.find((request) => request.path.startsWith("/upload/"));
    expect(upload?.query.get("ifGenerationMatch")).toBe("0");
  });

  it("sha256 is stored as custom metadata", async () => {
    const result = await adapter.put("runs/r1/hash.json", "{}");
    expect(server.objects.get("artifacts/tenant-a/runs/r1/hash.json")?.metadata.sha256).toBe(result.sha256);
  });

  it("canonical url names bucket and prefix", () => {
    expect(adapter.url("runs/r1/第一章.mp4")).toBe("gs://artifacts/tenant-a/runs/r1/第一章.mp4");
  });

  it("public base url encodes the key", () => {
    const publicAdapter = gcsAdapter(server, { publicBaseUrl: "https://storage.example.test/artifacts" });
    expect(publicAdapter.url("runs/r1/a b+c.mp4")).toBe("https://storage.example.test/artifacts/tenant-a/runs/r1/a%20b%2Bc.mp4");
  });

  it("signed url downloads the object", async () => {
    await adapter.put("signed/第一章 it's+%20.txt", "signed content");
    const url = await adapter.signedUrl("signed/第一章 it's+%20.txt", { expiresInSeconds: 60 });
    expect(url).toContain("X-Goog-Signature=");
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("signed content");
  });

  it("412 on write is resolved by comparing hashes", async () => {
    // Hiding the object from the metadata check makes the upload race a
    // writer that got there first, so the server's precondition decides.
    await adapter.put("race/same.txt", "same bytes");
    const isMetadataRead = (method: string, url: URL) =>
      method === "GET" && url.pathname.startsWith("/storage/v1/b/artifacts/o/") && !url.searchParams.has("alt");
    server.failNext(1, 404, isMetadataRead);
    const preconditionFailuresBefore = server.requests.filter((request) => request.status === 412).length;
    const again = await adapter.put("race/same.txt", "same bytes");
    expect(again.created).toBe(false);
    expect(server.requests.filter((request) => request.status === 412).length).toBe(preconditionFailuresBefore + 1);
    server.failNext(1, 404, isMetadataRead);
    await expect(adapter.put("race/same.txt", "other bytes")).rejects.toThrow(/race\/same\.txt/);
  });

  it("object without sha256 metadata is hashed to compare", async () => {
    server.objects.set("artifacts/tenant-a/foreign/file.txt", {
      name: "tenant-a/foreign/file.txt",
      bucket: "artifacts",
      generation: 7,
      contentType: "text/plain",
      metadata: {},
      content: Buffer.from("written elsewhere"),
      created: new Date().toISOString(),
    });
    const same = await adapter.put("foreign/file.txt", "written elsewhere");
    expect(same.created).toBe(false);
    await expect(adapter.put("foreign/file.txt", "something else")).rejects.toThrow(/foreign\/file\.txt/);
  });

  it("503 on the upload itself is retried", async () => {
    server.failNext(1, 503, (method, url) => method === "POST" && url.pathname.startsWith("/upload/"));
    const result = await adapter.put("retry/upload.txt", "uploaded after a retry");
    expect(result.created).toBe(true);
    const uploads = server.requests.filter((request) => request.path.startsWith("/upload/"));
    expect(uploads.slice(-2).map((request) => request.status)).toEqual([503, 200]);
  });

  it("failed download leaves no file", async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), "doc2video-gcs-download-"));
    const destination = path.join(folder, "out.txt");
    await expect(adapter.download("download/missing.txt", destination)).rejects.toThrow(/does not exist/);
    expect(await readdir(folder)).toEqual([]);
    await rm(folder, { recursive: true, force: true });
  });

  it("aborted get rejects", async () => {
    await adapter.put("abort/present.txt", "x");
    const controller = new AbortController();
    controller.abort();
    await expect(adapter.get("abort/present.txt", { signal: controller.signal })).rejects.toThrow(/abort/i);
  });
});

