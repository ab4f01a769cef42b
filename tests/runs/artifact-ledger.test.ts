import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalStorageAdapter } from "../../src/adapters/storage/local.js";
import { S3StorageAdapter } from "../../src/adapters/storage/s3.js";
import { StorageConflictError } from "../../src/errors.js";
import { ArtifactLedger, putArtifact } from "../../src/runs/artifact-ledger.js";
import { S3RVER_CREDENTIALS, startS3rver } from "../fakes/s3rver.js";

describe("ArtifactLedger", () => {
  let folder: string;
  let databasePath: string;
  let ledger: ArtifactLedger;

  beforeEach(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), "doc2video-ledger-"));
    databasePath = path.join(folder, "runs.sqlite");
    ledger = new ArtifactLedger(databasePath);
  });

  afterEach(async () => {
    ledger.close();
    await rm(folder, { recursive: true, force: true });
  });

  const sample = {
    runId: "run-1",
    key: "runs/run-1/ch01/audio/scene-01.wav",
    url: "s3://bucket/runs/run-1/ch01/audio/scene-01.wav",
    sha256: "ab".repeat(32),
    bytes: 1234,
    contentType: "audio/wav",
    node: "synthesizeSpeech",
    chapterIndex: 0,
    createdAt: "2026-01-01T00:00:00.000Z",
  };

  it("record then list round trips", () => {
    ledger.record(sample);
    expect(ledger.list("run-1")).toEqual([sample]);
  });

  it("recording twice keeps one row", () => {
    ledger.record(sample);
    ledger.record({ ...sample, createdAt: "2026-02-02T00:00:00.000Z" });
    const rows = ledger.list("run-1");
    expect(rows).toHaveLength(1);
    expect(rows[0]?.createdAt).toBe(sample.createdAt);
  });

  it("list is scoped to the run", () => {
    ledger.record(sample);
    ledger.record({ ...sample, runId: "run-2" });
    expect(ledger.list("run-2")).toHaveLength(1);
    expect(ledger.list("run-3")).toEqual([]);
  });

  it("run-level artifact has no chapter", () => {
    const { chapterIndex: _omitted, ...runLevel } = { ...sample, key: "runs/run-1/manifest/run.json" };
    ledger.record(runLevel);
    expect(ledger.get("run-1", "runs/run-1/manifest/run.json")).toEqual(runLevel);
  });

  it("rows survive reopening the file", () => {
    ledger.record(sample);
    ledger.close();
    const reopened = new ArtifactLedger(databasePath);
    expect(reopened.list("run-1")).toEqual([sample]);
    reopened.close();
  });

  it("database runs in WAL mode", () => {
    ledger.record(sample);
    const db = new Database(databasePath, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
  });

  it("putArtifact stores and records", async () => {
    const storage = new LocalStorageAdapter(path.join(folder, "storage"));
    const result = await putArtifact(storage, ledger, {
      runId: "run-1",
      key: "runs/run-1/ch02/script/script.json",
      body: '{"scenes":[]}',
      node: "writeScript",
      chapterIndex: 1,
    });
    expect(result.created).toBe(true);
    const row = ledger.get("run-1", "runs/run-1/ch02/script/script.json");
    expect(row?.sha256).toBe(result.sha256);
    expect(row?.url).toBe(result.url);
    expect(row?.contentType).toBe("application/json");
    expect(row?.node).toBe("writeScript");
    expect(row?.chapterIndex).toBe(1);
    expect((await storage.head(result.key))?.metadata.node).toBe("writeScript");
  });

  it("putArtifact rerun is a no-op", async () => {
    const storage = new LocalStorageAdapter(path.join(folder, "storage"));
    const input = { runId: "run-1", key: "runs/run-1/ch01/captions/ch01.srt", body: "1\n", node: "writeCaptions", chapterIndex: 0 };
    await putArtifact(storage, ledger, input);
    const again = await putArtifact(storage, ledger, input);
    expect(again.created).toBe(false);
    expect(ledger.list("run-1")).toHaveLength(1);
  });

  it("putArtifact conflict records nothing", async () => {
    const storage = new LocalStorageAdapter(path.join(folder, "storage"));
    await storage.put("runs/run-1/ch01/captions/ch01.vtt", "WEBVTT\n");
    const attempt = putArtifact(storage, ledger, {
      runId: "run-1",
      key: "runs/run-1/ch01/captions/ch01.vtt",
      body: "WEBVTT\n\nchanged",
      node: "writeCaptions",
    });
    await expect(attempt).rejects.toThrow(StorageConflictError);
    expect(ledger.list("run-1")).toEqual([]);
  });

  it("listing a run never lists the bucket", async () => {
    const server = await startS3rver({ buckets: ["artifacts"] });
    const storage = new S3StorageAdapter(
      { bucket: "artifacts", prefix: "", region: "us-east-1", endpoint: server.endpoint, forcePathStyle: true },
      { credentials: S3RVER_CREDENTIALS },
    );
    try {
      for (const scene of [1, 2, 3]) {
        await putArtifact(storage, ledger, {
          runId: "run-1",
          key: `runs/run-1/ch01/slides/scene-0${scene}.png`,
          body: Buffer.from([scene]),
          node: "renderSlides",
          chapterIndex: 0,
        });
      }
      const listed = ledger.list("run-1");
      expect(listed.map((row) => row.url)).toEqual([1, 2, 3].map((scene) => `s3://artifacts/runs/run-1/ch01/slides/scene-0${scene}.png`));
      expect(server.requests.filter((request) => request.query.has("list-type"))).toEqual([]);
    } finally {
      storage.destroy();
      await server.close();
    }
  });
});
