import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { OpenAIEmbeddings } from "@langchain/openai";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LocalStorageAdapter } from "../../src/adapters/storage/local.js";
import { ArchivingEmbeddings } from "../../src/archive/archiving-embeddings.js";
import { listCallRecords } from "../../src/archive/call-record.js";
import { archiveOfflineCall } from "../../src/archive/offline-call.js";
import { startOpenAiCompatibleServer, type OpenAiCompatibleServer } from "./openai-compatible-server.js";

const API_KEY = "sk-test-secret-123";

describe("ArchivingEmbeddings", () => {
  let server: OpenAiCompatibleServer;
  let root: string;
  let storage: LocalStorageAdapter;

  beforeAll(async () => {
    server = await startOpenAiCompatibleServer();
  });

  afterAll(async () => {
    await server?.close();
  });

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "doc2video-embeddings-archive-"));
    storage = new LocalStorageAdapter(root);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  function archiving(): ArchivingEmbeddings {
    const inner = new OpenAIEmbeddings({
      model: "text-embedding-3-small",
      apiKey: API_KEY,
      configuration: { baseURL: server.baseURL },
      maxRetries: 0,
    });
    return new ArchivingEmbeddings(inner, { storage, runId: "run-1", context: { node: "indexDocument" }, provider: "openai" });
  }

  it("embedDocuments is archived with vectors", async () => {
    const vectors = await archiving().embedDocuments(["alpha", "beta gamma"]);
    expect(vectors).toEqual([
      [5, 0, 0.5],
      [10, 1, 0.5],
    ]);
    const [record] = await listCallRecords(storage, "run-1", { node: "indexDocument" });
    expect(record?.kind).toBe("embeddings");
    expect(record?.status).toBe("success");
    expect(record?.model).toBe("text-embedding-3-small");
    expect(record?.input).toEqual({ method: "embedDocuments", texts: ["alpha", "beta gamma"] });
    expect(record?.output).toEqual({ vectors });
  });

  it("archived call is replayed without a request", async () => {
    const first = await archiving().embedQuery("replayed text");
    const requestsAfterFirst = server.requests.length;
    // A new wrapper stands for a resumed process with the same run archive.
    const second = await archiving().embedQuery("replayed text");
    expect(second).toEqual(first);
    expect(server.requests.length).toBe(requestsAfterFirst);
    expect(await listCallRecords(storage, "run-1")).toHaveLength(1);
  });

  it("digest-only record is recomputed without a new record", async () => {
    const calls: string[][] = [];
    const inner = {
      embedDocuments: async (texts: string[]) => {
        calls.push(texts);
        return texts.map((text) => [text.length, 1]);
      },
      embedQuery: async (text: string) => [text.length, 1],
    } as unknown as ArchivingEmbeddings;
    const wrap = () =>
      new ArchivingEmbeddings(inner, {
        storage,
        runId: "run-1",
        context: { node: "embeddings" },
        provider: "local",
        recordVectors: false,
      });
    await wrap().embedDocuments(["one", "three"]);
    const again = await wrap().embedDocuments(["one", "three"]);
    expect(again).toEqual([
      [3, 1],
      [5, 1],
    ]);
    expect(calls).toHaveLength(2);
    const records = await listCallRecords(storage, "run-1");
    expect(records).toHaveLength(1);
    expect(records[0]?.output).toMatchObject({ count: 2, dimension: 2 });
    expect((records[0]?.output as { sha256: string }).sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("embedQuery is archived under run folder", async () => {
    await archiving().embedQuery("where");
    const records = await listCallRecords(storage, "run-1");
    expect(records).toHaveLength(1);
    expect(records[0]?.input).toEqual({ method: "embedQuery", texts: ["where"] });
  });

  it("failed call is archived and rethrown", async () => {
    server.failNext(1, 500);
    await expect(archiving().embedQuery("boom")).rejects.toThrow();
    const [record] = await listCallRecords(storage, "run-1");
    expect(record?.status).toBe("error");
    expect(record?.error?.status).toBe(500);
  });

  it("api key appears in no archive file", async () => {
    await archiving().embedDocuments(["one"]);
    const entries = await readdir(root, { recursive: true, withFileTypes: true });
    const files = entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(await readFile(file, "utf8"), file).not.toContain(API_KEY);
    }
  });
});

describe("archiveOfflineCall", () => {
  let root: string;
  let storage: LocalStorageAdapter;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "doc2video-offline-archive-"));
    storage = new LocalStorageAdapter(root);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const call = {
    node: "writeScript",
    chapterIndex: 2,
    provider: "offline-extractive",
    input: { chapterTitle: "第三章", text: "Body with sk-abcdefghijklmnopq inside" },
    output: { scenes: [{ narration: "Hello" }] },
  };

  it("writes input and output", async () => {
    const { key, callHash } = await archiveOfflineCall(storage, "run-1", call);
    expect(key).toBe(`runs/run-1/calls/writeScript/ch03/${callHash}-1.json`);
    const record = JSON.parse((await storage.get(key)).toString("utf8"));
    expect(record.kind).toBe("offline");
    expect(record.output).toEqual(call.output);
    expect(record.input.chapterTitle).toBe("第三章");
  });

  it("secrets in the input are redacted", async () => {
    const { key } = await archiveOfflineCall(storage, "run-1", call);
    expect((await storage.get(key)).toString("utf8")).not.toContain("sk-abcdefghijklmnopq");
  });

  it("rerun with same data is a no-op", async () => {
    const first = await archiveOfflineCall(storage, "run-1", call);
    const second = await archiveOfflineCall(storage, "run-1", call);
    expect(second.key).toBe(first.key);
    expect(await listCallRecords(storage, "run-1")).toHaveLength(1);
  });

  it("changed output gets the next attempt", async () => {
    await archiveOfflineCall(storage, "run-1", call);
    const changed = await archiveOfflineCall(storage, "run-1", { ...call, output: { scenes: [] } });
    expect(changed.key).toMatch(/-2\.json$/);
  });
});
