import { describe, expect, it } from "vitest";
import { getStorageAdapter } from "../../../src/adapters/storage/index.js";
import { GcsStorageAdapter } from "../../../src/adapters/storage/gcs.js";
import { LocalStorageAdapter } from "../../../src/adapters/storage/local.js";
import { S3StorageAdapter } from "../../../src/adapters/storage/s3.js";
import { loadConfig } from "../../../src/config.js";
import { ConfigError } from "../../../src/errors.js";

describe("getStorageAdapter", () => {
  it("defaults to local storage", () => {
    expect(getStorageAdapter(loadConfig({}, {}))).toBeInstanceOf(LocalStorageAdapter);
  });

  it("minio is an s3 alias", () => {
    const adapter = getStorageAdapter(
      loadConfig({}, { STORAGE_PROVIDER: "minio", S3_BUCKET: "media", S3_ENDPOINT: "http://127.0.0.1:9" }),
    );
    expect(adapter).toBeInstanceOf(S3StorageAdapter);
    expect(adapter.provider).toBe("minio");
    expect(adapter.url("runs/r1/a.mp4")).toBe("s3://media/runs/r1/a.mp4");
  });

  it("gcs applies the key prefix", () => {
    const adapter = getStorageAdapter(
      loadConfig({}, { STORAGE_PROVIDER: "gcs", GCS_BUCKET: "media", GCS_PREFIX: "/team/", GCS_API_ENDPOINT: "http://127.0.0.1:9" }),
    );
    expect(adapter).toBeInstanceOf(GcsStorageAdapter);
    expect(adapter.url("runs/r1/a.mp4")).toBe("gs://media/team/runs/r1/a.mp4");
  });

  it("s3 without bucket names the setting", () => {
    expect(() => getStorageAdapter(loadConfig({}, { STORAGE_PROVIDER: "s3" }))).toThrow(ConfigError);
    expect(() => getStorageAdapter(loadConfig({}, { STORAGE_PROVIDER: "s3" }))).toThrow(/S3_BUCKET/);
  });

  it("unsafe key prefix is rejected", () => {
    expect(() => getStorageAdapter(loadConfig({}, { STORAGE_PROVIDER: "gcs", GCS_BUCKET: "b", GCS_PREFIX: "a/../b" }))).toThrow(
      /GCS_PREFIX/,
    );
  });
});
