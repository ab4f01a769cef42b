/**
 * A fake Pinecone index data plane on 127.0.0.1: the calls @langchain/pinecone
 * makes through @pinecone-database/pinecone 5 (upsert, query, delete by ids,
 * filter or namespace, describe index stats). The index has a fixed
 * dimension, as a provisioned Pinecone index does; namespaces appear on
 * first upsert. It scores by real cosine similarity, applies Pinecone's
 * metadata filter operators, checks the Api-Key header and records every
 * request for assertions.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { cosineSimilarity } from "../../src/adapters/vectorstore/cosine-similarity.js";

/** One request the server handled. */
export interface RecordedPineconeRequest {
  method: string;
  path: string;
  body: unknown;
  status: number;
}

interface StoredVector {
  id: string;
  values: number[];
  metadata: Record<string, unknown>;
}

/** A running fake Pinecone index. */
export interface FakePineconeServer {
  /** Value for `PINECONE_HOST`. */
  host: string;
  requests: RecordedPineconeRequest[];
  /** Vectors by namespace, then id. */
  namespaces: Map<string, Map<string, StoredVector>>;
  close(): Promise<void>;
}

type MetadataFilter = Record<string, unknown>;

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Starts a fake Pinecone index of `dimension` on a free port, accepting only `apiKey`. */
export async function startFakePinecone(options: { dimension: number; apiKey: string }): Promise<FakePineconeServer> {
  const namespaces = new Map<string, Map<string, StoredVector>>();
  const requests: RecordedPineconeRequest[] = [];

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
      const text = Buffer.concat(chunks).toString("utf8");
      const body: unknown = text.length > 0 ? JSON.parse(text) : undefined;
      let status = 200;
      let payload: unknown;
      try {
        if (request.headers["api-key"] !== options.apiKey) throw new HttpFailure(401, "Invalid API Key");
        if (request.method !== "POST") throw new HttpFailure(404, `no route for ${request.method} ${path}`);
        payload = route(namespaces, options.dimension, path, (body ?? {}) as Record<string, unknown>);
      } catch (error) {
        status = error instanceof HttpFailure ? error.status : 500;
        payload = { code: status, message: (error as Error).message };
      }
      requests.push({ method: request.method ?? "GET", path, body, status });
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(payload));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `http://127.0.0.1:${port}`,
    requests,
    namespaces,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function route(
  namespaces: Map<string, Map<string, StoredVector>>,
  dimension: number,
  path: string,
  body: Record<string, unknown>,
): unknown {
  const namespaceName = typeof body.namespace === "string" ? body.namespace : "";
  switch (path) {
    case "/vectors/upsert": {
      const vectors = body.vectors as StoredVector[] | undefined;
      if (!Array.isArray(vectors) || vectors.length === 0) throw new HttpFailure(400, "upsert needs at least one vector");
      for (const vector of vectors) {
        if (vector.values?.length !== dimension) {
          throw new HttpFailure(400, `Vector dimension ${vector.values?.length} does not match the dimension of the index ${dimension}`);
        }
      }
      const namespace = namespaces.get(namespaceName) ?? new Map<string, StoredVector>();
      namespaces.set(namespaceName, namespace);
      for (const vector of vectors) namespace.set(vector.id, { id: vector.id, values: vector.values, metadata: vector.metadata ?? {} });
      return { upsertedCount: vectors.length };
    }
    case "/query":
      return query(namespaces.get(namespaceName), dimension, namespaceName, body);
    case "/vectors/delete": {
      const namespace = namespaces.get(namespaceName);
      if (body.deleteAll === true) namespaces.delete(namespaceName);
      else if (Array.isArray(body.ids)) for (const id of body.ids as string[]) namespace?.delete(id);
      else if (body.filter) {
        for (const [id, vector] of namespace ?? []) {
          if (matchesFilter(vector.metadata, body.filter as MetadataFilter)) namespace?.delete(id);
        }
      } else throw new HttpFailure(400, "delete needs ids, deleteAll or filter");
      return {};
    }
    case "/describe_index_stats": {
      const summary: Record<string, { vectorCount: number }> = {};
      let total = 0;
      for (const [name, namespace] of namespaces) {
        summary[name] = { vectorCount: namespace.size };
        total += namespace.size;
      }
      return { namespaces: summary, dimension, indexFullness: 0, totalVectorCount: total };
    }
    default:
      throw new HttpFailure(404, `no route for POST ${path}`);
  }
}

function query(
  namespace: Map<string, StoredVector> | undefined,
  dimension: number,
  namespaceName: string,
  body: Record<string, unknown>,
): unknown {
  const vector = body.vector as number[] | undefined;
  const topK = body.topK as number | undefined;
  if (!Array.isArray(vector) || vector.length !== dimension) {
    throw new HttpFailure(400, `Vector dimension ${vector?.length} does not match the dimension of the index ${dimension}`);
  }
  if (typeof topK !== "number" || topK < 1 || topK > 10_000) throw new HttpFailure(400, "topK must be between 1 and 10000");
  const filter = body.filter as MetadataFilter | undefined;
  const matches = [...(namespace?.values() ?? [])]
    .filter((stored) => !filter || matchesFilter(stored.metadata, filter))
    .map((stored) => ({
      id: stored.id,
      score: cosineSimilarity(vector, stored.values),
      values: body.includeValues === true ? stored.values : [],
      ...(body.includeMetadata === true ? { metadata: stored.metadata } : {}),
    }))
    .sort((a, b) => b.score - a.score)
    .slice(0, topK);
  return { matches, namespace: namespaceName, usage: { readUnits: 1 } };
}

function matchesFilter(metadata: Record<string, unknown>, filter: MetadataFilter): boolean {
  return Object.entries(filter).every(([key, condition]) => {
    if (key === "$and") return (condition as MetadataFilter[]).every((part) => matchesFilter(metadata, part));
    if (key === "$or") return (condition as MetadataFilter[]).some((part) => matchesFilter(metadata, part));
    const value = metadata[key];
    if (condition === null || typeof condition !== "object") return value === condition;
    return Object.entries(condition as Record<string, unknown>).every(([operator, operand]) => {
      switch (operator) {
        case "$eq":
          return value === operand;
        case "$ne":
          return value !== operand;
        case "$in":
          return (operand as unknown[]).includes(value);
        case "$nin":
          return !(operand as unknown[]).includes(value);
        case "$gt":
          return (value as number) > (operand as number);
        case "$gte":
          return (value as number) >= (operand as number);
        case "$lt":
          return (value as number) < (operand as number);
        case "$lte":
          return (value as number) <= (operand as number);
        default:
          throw new HttpFailure(400, `unsupported filter operator ${operator}`);
      }
    });
  });
}
