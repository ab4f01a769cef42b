import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { createVectorStore } from "../../../src/adapters/vectorstore/create-vector-store.js";
import { collectionName } from "../../../src/adapters/vectorstore/collection-name.js";
import { SqliteRecordManager } from "../../../src/indexing/sqlite-record-manager.js";
import { indexDocumentChunks } from "../../../src/indexing/index-document-chunks.js";
import { searchChunks } from "../../../src/indexing/search-chunks.js";
import { describeChunkIndexContract } from "../../indexing/chunk-index-contract.js";
import { CountingEmbeddings } from "../../indexing/fixtures/counting-embeddings.js";
import { loadSmallDocument } from "../../indexing/fixtures/small-document.js";
import { startFakeQdrant, type FakeQdrantServer } from "../../fakes/qdrant-server.js";

const API_KEY = "qdrant-test-key";
const root = mkdtempSync(path.join(os.tmpdir(), "doc2video-qdrant-"));
let qdrant: FakeQdrantServer;

beforeAll(async () => {
  qdrant = await startFakeQdrant({ apiKey: API_KEY });
});

afterAll(async () => {
  await qdrant.close();
  rmSync(root, { recursive: true, force: true });
});

function configFor() {
  return loadConfig({ workspace: root }, { VECTOR_STORE: "qdrant", QDRANT_URL: qdrant.url, QDRANT_API_KEY: API_KEY });
}

let opened = 0;
describeChunkIndexContract("qdrant", async (embeddings) => {
  opened += 1;
  const collection = collectionName(`hashing-v1-test-${opened}`, 384);
  const store = await createVectorStore("qdrant", { config: configFor(), embeddings, collection, dimension: 384 });
  const recordManager = new SqliteRecordManager(":memory:", collection);
  await recordManager.createSchema();
  return {
    store,
    recordManager,
    collection,
    embeddings,
    countVectors: async () => qdrant.collections.get(collection)?.points.size ?? 0,
    close: async () => recordManager.close(),
  };
});

describe("qdrant wire protocol", () => {
  it("creates, upserts, queries and deletes through REST", async () => {
    const collection = collectionName("hashing-v1-wire", 384);
    const embeddings = new CountingEmbeddings();
    const store = await createVectorStore("qdrant", { config: configFor(), embeddings, collection, dimension: 384 });
    const recordManager = new SqliteRecordManager(":memory:", collection);
    await recordManager.createSchema();
    const document = loadSmallDocument(2);
    const requestsBefore = qdrant.requests.length;

    await indexDocumentChunks({ runId: "r1", documentId: "d1", chunks: document.chunks, store, recordManager, collection });
    await searchChunks({ store, collection, query: "the curse of the Baskervilles", k: 2, runId: "r1", excludeChapterIndex: 0 });
    await indexDocumentChunks({ runId: "r1", documentId: "d1", chunks: document.chunks.slice(1), store, recordManager, collection });

    const requests = qdrant.requests.slice(requestsBefore);
    const create = requests.find((request) => request.method === "PUT" && request.path === `/collections/${collection}`);
    expect(create?.body).toEqual({ vectors: { size: 384, distance: "Cosine" } });
    const upserts = requests.filter((request) => request.method === "PUT" && request.path === `/collections/${collection}/points`);
    expect(upserts.length).toBeGreaterThan(0);
    expect(upserts[0]?.query.get("wait")).toBe("true");
    const query = requests.find((request) => request.path === `/collections/${collection}/points/query`);
    expect(query?.body).toMatchObject({
      limit: 2,
      filter: {
        must: [{ key: "metadata.runId", match: { value: "r1" } }],
        must_not: [{ key: "metadata.chapterIndex", match: { value: 0 } }],
      },
    });
    const deletion = requests.find((request) => request.path === `/collections/${collection}/points/delete`);
    expect((deletion?.body as { points: string[] }).points).toHaveLength(1);
    expect(requests.every((request) => request.status === 200)).toBe(true);
    recordManager.close();
  });

  it("fails with the server's message on a wrong api key", async () => {
    const config = loadConfig({ workspace: root }, { QDRANT_URL: qdrant.url, QDRANT_API_KEY: "wrong" });
    const collection = collectionName("hashing-v1-denied", 384);
    const store = await createVectorStore("qdrant", { config, embeddings: new CountingEmbeddings(), collection, dimension: 384 });
    await expect(searchChunks({ store, collection, query: "moor", k: 1 })).rejects.toThrow(/searching doc2video_chunks_hashing_v1_denied_384 .* failed/);
  });
});
