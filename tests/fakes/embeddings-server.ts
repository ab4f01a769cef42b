/**
 * A fake embeddings API on 127.0.0.1 that speaks two wire protocols:
 * OpenAI's `POST /v1/embeddings` (float or base64 encoding) and Vertex AI's
 * `POST .../models/{model}:predict`. Vectors come from HashingEmbeddings, so
 * similar texts get similar vectors; every request is recorded.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { HashingEmbeddings } from "../../src/adapters/embeddings/hashing-embeddings.js";

/** One request the server handled. */
export interface RecordedEmbeddingsRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  status: number;
}

/** A running fake embeddings server. */
export interface FakeEmbeddingsServer {
  /** Base URL without a path, for example `http://127.0.0.1:1234`. */
  url: string;
  requests: RecordedEmbeddingsRequest[];
  close(): Promise<void>;
}

/** Starts the server; its vectors have `dimension` entries unless a request sets `dimensions`. */
export async function startFakeEmbeddingsServer(options: { dimension: number; apiKey: string }): Promise<FakeEmbeddingsServer> {
  const requests: RecordedEmbeddingsRequest[] = [];
  const embed = (texts: string[], dimension: number) => {
    const embeddings = new HashingEmbeddings({ dimension });
    return texts.map((text) => embeddings.embedText(text));
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
      let status = 200;
      let payload: unknown;
      const authorised =
        request.headers.authorization === `Bearer ${options.apiKey}` || request.headers["x-goog-api-key"] === options.apiKey;
      if (!authorised) {
        status = 401;
        payload = { error: { message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key" } };
      } else if (request.method === "POST" && path === "/v1/embeddings") {
        payload = openAIResponse(body, embed);
      } else if (request.method === "POST" && /\/models\/[^/:]+:predict$/.test(path)) {
        const instances = body.instances as { content: string }[];
        const vectors = embed(instances.map((instance) => instance.content), options.dimension);
        payload = { predictions: vectors.map((values) => ({ embeddings: { values, statistics: { token_count: 1 } } })) };
      } else {
        status = 404;
        payload = { error: { message: `no route for ${request.method} ${path}` } };
      }
      requests.push({ method: request.method ?? "GET", path, headers: request.headers, body, status });
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(payload));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };

  function openAIResponse(body: Record<string, unknown>, embedTexts: (texts: string[], dimension: number) => number[][]): unknown {
    const input = typeof body.input === "string" ? [body.input] : (body.input as string[]);
    const dimension = typeof body.dimensions === "number" ? body.dimensions : options.dimension;
    const vectors = embedTexts(input, dimension);
    const data = vectors.map((vector, index) => ({
      object: "embedding",
      index,
      // The OpenAI SDK requests base64 by default: little-endian float32 bytes.
      embedding: body.encoding_format === "base64" ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : vector,
    }));
    return { object: "list", data, model: body.model, usage: { prompt_tokens: input.length, total_tokens: input.length } };
  }
}
