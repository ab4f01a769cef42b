import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { createEmbeddings, resolveEmbeddingDimension } from "../../../src/adapters/embeddings/create-embeddings.js";
import { EmbeddingsError } from "../../../src/adapters/embeddings/embeddings-error.js";
import { HashingEmbeddings } from "../../../src/adapters/embeddings/hashing-embeddings.js";
import { cosineSimilarity } from "../../../src/adapters/vectorstore/cosine-similarity.js";
import { startFakeEmbeddingsServer, type FakeEmbeddingsServer } from "../../fakes/embeddings-server.js";

const API_KEY = "embeddings-test-key";
let server: FakeEmbeddingsServer;

beforeAll(async () => {
  server = await startFakeEmbeddingsServer({ dimension: 96, apiKey: API_KEY });
});

afterAll(async () => {
  await server.close();
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("createEmbeddings local", () => {
  it("builds hashing embeddings without a network", async () => {
    const backend = createEmbeddings("local", loadConfig({}, {}));
    expect(backend.embeddings).toBeInstanceOf(HashingEmbeddings);
    expect(backend.modelId).toBe("hashing-v1");
    expect(await resolveEmbeddingDimension(backend)).toBe(1024);
  });
});

describe("createEmbeddings openai", () => {
  const config = () =>
    loadConfig({}, { OPENAI_BASE_URL: `${server.url}/v1`, OPENAI_EMBEDDINGS_MODEL: "text-embedding-test" });

  it("embeds through an OpenAI-compatible server", async () => {
    vi.stubEnv("OPENAI_API_KEY", API_KEY);
    const backend = createEmbeddings("openai", config());
    const before = server.requests.length;

    const vectors = await backend.embeddings.embedDocuments([
      "the hound of the Baskervilles",
      "a spectral hound haunts the Baskerville family",
      "pass the output template option to the downloader",
    ]);

    const request = server.requests[before];
    expect(request?.path).toBe("/v1/embeddings");
    expect(request?.body.model).toBe("text-embedding-test");
    expect(request?.body.input).toHaveLength(3);
    expect(vectors[0]).toHaveLength(96);
    expect(vectors[0]).toEqual(new HashingEmbeddings({ dimension: 96 }).embedText("the hound of the Baskervilles").map((value) => Math.fround(value)));
    expect(cosineSimilarity(vectors[0] as number[], vectors[1] as number[])).toBeGreaterThan(
      cosineSimilarity(vectors[0] as number[], vectors[2] as number[]),
    );
  });

  it("learns the dimension from the provider", async () => {
    vi.stubEnv("OPENAI_API_KEY", API_KEY);
    const backend = createEmbeddings("openai", config());
    expect(backend.modelId).toBe("openai-text-embedding-test");
    expect(await resolveEmbeddingDimension(backend)).toBe(96);
  });

  it("wraps a rejected key in EmbeddingsError", async () => {
    vi.stubEnv("OPENAI_API_KEY", "wrong-key");
    const backend = createEmbeddings("openai", config());
    const error = await resolveEmbeddingDimension(backend).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EmbeddingsError);
    expect((error as Error).message).toMatch(/^embedding a probe text with openai-text-embedding-test failed: 401/);
  });

  it("reports a missing API key on first use", async () => {
    vi.stubEnv("OPENAI_API_KEY", "");
    const backend = createEmbeddings("openai", config());
    const error = await resolveEmbeddingDimension(backend).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EmbeddingsError);
    expect((error as Error).message).toMatch(/Missing credentials.*OPENAI_API_KEY/);
  });
});

describe("createEmbeddings vertex", () => {
  it("sends Vertex AI predict requests and reads predictions", async () => {
    vi.stubEnv("GOOGLE_API_KEY", API_KEY);
    const backend = createEmbeddings("vertex", loadConfig({}, { VERTEX_EMBEDDINGS_MODEL: "text-embedding-005" }));
    // NOTE: the Google client builds https:// URLs from fixed host names and
    // has no base URL option, so the test swaps its fetch to reach the local
    // server. The request body, headers and response parsing are the library's own.
    const client = (backend.embeddings as unknown as { connection: { client: { _fetch: typeof fetch } } }).connection.client;
    client._fetch = (input, init) => fetch(String(input).replace(/^https:\/\/[^/]+/, server.url), init);
    const before = server.requests.length;

    const vector = await backend.embeddings.embedQuery("the hound of the Baskervilles");

    const request = server.requests[before];
    expect(request?.path).toBe("/v1/publishers/google/models/text-embedding-005:predict");
    expect(request?.headers["x-goog-api-key"]).toBe(API_KEY);
    expect(request?.body.instances).toEqual([{ content: "the hound of the Baskervilles" }]);
    expect(vector).toEqual(new HashingEmbeddings({ dimension: 96 }).embedText("the hound of the Baskervilles"));
    expect(backend.modelId).toBe("vertex-text-embedding-005");
  });
});
