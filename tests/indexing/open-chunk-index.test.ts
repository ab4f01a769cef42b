import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/config.js";
import { openChunkIndex } from "../../src/indexing/open-chunk-index.js";
import { indexDocumentChunks } from "../../src/indexing/index-document-chunks.js";
import { searchChunks } from "../../src/indexing/search-chunks.js";
import { startFakeEmbeddingsServer, type FakeEmbeddingsServer } from "../fakes/embeddings-server.js";
import { loadSmallDocument, sentenceFromChapter } from "./fixtures/small-document.js";

const API_KEY = "open-index-test-key";
const workspace = mkdtempSync(path.join(os.tmpdir(), "doc2video-open-index-"));
const document = loadSmallDocument(2);
let server: FakeEmbeddingsServer;

beforeAll(async () => {
  server = await startFakeEmbeddingsServer({ dimension: 64, apiKey: API_KEY });
  vi.stubEnv("OPENAI_API_KEY", API_KEY);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await server.close();
  rmSync(workspace, { recursive: true, force: true });
});

function embeddedTexts(fromRequest: number): number {
  return server.requests
    .slice(fromRequest)
    .filter((request) => request.path === "/v1/embeddings")
    .reduce((count, request) => count + (Array.isArray(request.body.input) ? request.body.input.length : 1), 0);
}

describe("openChunkIndex with a remote provider", () => {
  const config = () =>
    loadConfig({ workspace }, { EMBEDDINGS_PROVIDER: "openai", OPENAI_BASE_URL: `${server.url}/v1`, OPENAI_EMBEDDINGS_MODEL: "embed-test" });

  it("names the collection by the provider's dimension", async () => {
    const index = await openChunkIndex({ config: config() });
    expect(index.collection).toBe("doc2video_chunks_openai_embed_test_64");
    expect(index.dimension).toBe(64);
    await index.close();
  });

  it("reuses cached vectors for a new run", async () => {
    const first = await openChunkIndex({ config: config() });
    const beforeFirst = server.requests.length;
    await indexDocumentChunks({ runId: "run-1", documentId: "doc", chunks: document.chunks, ...first });
    expect(embeddedTexts(beforeFirst)).toBe(document.chunks.length);
    await first.close();

    const second = await openChunkIndex({ config: config() });
    const beforeSecond = server.requests.length;
    const result = await indexDocumentChunks({ runId: "run-2", documentId: "doc", chunks: document.chunks, ...second });
    expect(result.numAdded).toBe(document.chunks.length);
    expect(embeddedTexts(beforeSecond)).toBe(0);

    const hits = await searchChunks({
      store: second.store,
      collection: second.collection,
      query: sentenceFromChapter(document, 1),
      k: 1,
      runId: "run-2",
    });
    expect(hits[0]?.chapterIndex).toBe(1);
    await second.close();
  });
});
