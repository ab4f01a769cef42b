import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { ConfigError } from "../../../src/errors.js";
import { createVectorStore } from "../../../src/adapters/vectorstore/create-vector-store.js";
import { collectionName } from "../../../src/adapters/vectorstore/collection-name.js";
import { SqliteRecordManager } from "../../../src/indexing/sqlite-record-manager.js";
import { indexDocumentChunks } from "../../../src/indexing/index-document-chunks.js";
import { searchChunks } from "../../../src/indexing/search-chunks.js";
import { describeChunkIndexContract } from "../../indexing/chunk-index-contract.js";
import { CountingEmbeddings } from "../../indexing/fixtures/counting-embeddings.js";
import { loadSmallDocument } from "../../indexing/fixtures/small-document.js";
import { startFakePinecone, type FakePineconeServer } from "../../fakes/pinecone-server.js";

const API_KEY = "pinecone-test-key";
const root = mkdtempSync(path.join(os.tmpdir(), "doc2video-pinecone-"));
let pinecone: FakePineconeServer;

beforeAll(async () => {
  pinecone = await startFakePinecone({ dimension: 384, apiKey: API_KEY });
});

afterAll(async () => {
  await pinecone.close();
  rmSync(root, { recursive: true, force: true });
});

function configFor(apiKey = API_KEY) {
  return loadConfig(
    { workspace: root },
    { VECTOR_STORE: "pinecone", PINECONE_API_KEY: apiKey, PINECONE_HOST: pinecone.host, PINECONE_INDEX: "doc2video" },
  );
}

let opened = 0;
describeChunkIndexContract("pinecone", async (embeddings) => {
  opened += 1;
  const collection = collectionName(`hashing-v1-test-${opened}`, 384);
  const store = await createVectorStore("pinecone", { config: configFor(), embeddings, collection, dimension: 384 });
  const recordManager = new SqliteRecordManager(":memory:", collection);
  await recordManager.createSchema();
  return {
    store,
    recordManager,
    collection,
    embeddings,
    countVectors: async () => pinecone.namespaces.get(collection)?.size ?? 0,
    close: async () => recordManager.close(),
  };
});

describe("pinecone wire protocol", () => {
  it("upserts, queries and deletes in the collection namespace", async () => {
    const collection = collectionName("hashing-v1-wire", 384);
    const store = await createVectorStore("pinecone", { config: configFor(), embeddings: new CountingEmbeddings(), collection, dimension: 384 });
    const recordManager = new SqliteRecordManager(":memory:", collection);
    await recordManager.createSchema();
    const document = loadSmallDocument(2);
    const requestsBefore = pinecone.requests.length;

    await indexDocumentChunks({ runId: "r1", documentId: "d1", chunks: document.chunks, store, recordManager, collection });
    await searchChunks({ store, collection, query: "the curse of the Baskervilles", k: 2, runId: "r1", excludeChapterIndex: 0 });
    await indexDocumentChunks({ runId: "r1", documentId: "d1", chunks: document.chunks.slice(1), store, recordManager, collection });

    const requests = pinecone.requests.slice(requestsBefore);
    const upsert = requests.find((request) => request.path === "/vectors/upsert");
    const upsertBody = upsert?.body as { namespace: string; vectors: { metadata: Record<string, unknown> }[] };
    expect(upsertBody.namespace).toBe(collection);
    expect(upsertBody.vectors[0]?.metadata).toMatchObject({ runId: "r1", documentId: "d1", chapterIndex: 0, chunkIndex: 0 });
    const query = requests.find((request) => request.path === "/query");
    expect(query?.body).toMatchObject({
      namespace: collection,
      topK: 2,
      includeMetadata: true,
      filter: { runId: { $eq: "r1" }, chapterIndex: { $ne: 0 } },
    });
    const deletion = requests.find((request) => request.path === "/vectors/delete");
    expect(deletion?.body).toMatchObject({ namespace: collection });
    expect((deletion?.body as { ids: string[] }).ids).toHaveLength(1);
    expect(requests.every((request) => request.status === 200)).toBe(true);
    recordManager.close();
  });

  it("rejects a missing api key before any request", async () => {
    const config = loadConfig({ workspace: root }, { PINECONE_HOST: pinecone.host });
    const collection = collectionName("hashing-v1-nokey", 384);
    await expect(
      createVectorStore("pinecone", { config, embeddings: new CountingEmbeddings(), collection, dimension: 384 }),
    ).rejects.toThrow(ConfigError);
  });

  it("fails with the server's status on a wrong api key", async () => {
    const collection = collectionName("hashing-v1-denied", 384);
    const store = await createVectorStore("pinecone", { config: configFor("wrong"), embeddings: new CountingEmbeddings(), collection, dimension: 384 });
    await expect(searchChunks({ store, collection, query: "moor", k: 1 })).rejects.toThrow(/searching .* failed/);
  });
});
