/**
 * A fake Qdrant REST API on 127.0.0.1: the calls @langchain/qdrant makes
 * through @qdrant/js-client-rest (version check, list and create
 * collections, upsert points, query points, delete points by id or filter).
 * It scores by real cosine similarity, applies `must` / `must_not` match
 * filters on payload paths, checks the api-key header and records every
 * request for assertions.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { cosineSimilarity } from "../../src/adapters/vectorstore/cosine-similarity.js";

/** One request the server handled. */
export interface RecordedQdrantRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  status: number;
}

interface Point {
  id: string | number;
  vector: number[];
  payload: Record<string, unknown>;
}

interface Collection {
  size: number;
  points: Map<string, Point>;
}

/** A running fake Qdrant server. */
export interface FakeQdrantServer {
  url: string;
  requests: RecordedQdrantRequest[];
  collections: Map<string, Collection>;
  close(): Promise<void>;
}

interface MatchCondition {
  key: string;
  match: { value: unknown };
}

interface QdrantFilter {
  must?: MatchCondition[];
  must_not?: MatchCondition[];
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// Qdrant accepts unsigned integers and UUIDs as point ids, nothing else.
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Starts a fake Qdrant on a free port; requests without `apiKey` in the api-key header get 401 when one is set. */
export async function startFakeQdrant(options: { apiKey?: string } = {}): Promise<FakeQdrantServer> {
  const collections = new Map<string, Collection>();
  const requests: RecordedQdrantRequest[] = [];

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      const text = Buffer.concat(chunks).toString("utf8");
      const body: unknown = text.length > 0 ? JSON.parse(text) : undefined;
      let status = 200;
      let payload: unknown;
      try {
        if (options.apiKey !== undefined && request.headers["api-key"] !== options.apiKey) {
          throw new HttpFailure(401, "Must provide an API key or an Authorization bearer token");
        }
        payload = route(collections, request.method ?? "GET", url.pathname, body);
      } catch (error) {
        status = error instanceof HttpFailure ? error.status : 500;
        payload = { status: { error: (error as Error).message }, time: 0 };
      }
      requests.push({ method: request.method ?? "GET", path: url.pathname, query: url.searchParams, body, status });
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(payload));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    collections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function ok(result: unknown): unknown {
  return { result, status: "ok", time: 0 };
}

function route(collections: Map<string, Collection>, method: string, path: string, body: unknown): unknown {
  if (method === "GET" && path === "/") return { title: "qdrant - vector search engine", version: "1.20.0" };
  if (method === "GET" && path === "/collections") {
    return ok({ collections: [...collections.keys()].map((name) => ({ name })) });
  }

  const match = /^\/collections\/([^/]+)(\/points(?:\/(query|delete))?)?$/.exec(path);
  if (!match) throw new HttpFailure(404, `no route for ${method} ${path}`);
  const name = decodeURIComponent(match[1] as string);
  const pointsPath = match[2];
  const action = match[3];

  if (!pointsPath && method === "PUT") return ok(createCollection(collections, name, body));
  const collection = collections.get(name);
  if (!collection) throw new HttpFailure(404, `Not found: Collection \`${name}\` doesn't exist!`);

  if (!pointsPath && method === "GET") {
    return ok({ status: "green", points_count: collection.points.size, config: { params: { vectors: { size: collection.size, distance: "Cosine" } } } });
  }
  if (!action && method === "PUT") return ok(upsertPoints(collection, body));
  if (action === "query" && method === "POST") return ok(queryPoints(collection, body));
  if (action === "delete" && method === "POST") return ok(deletePoints(collection, body));
  throw new HttpFailure(404, `no route for ${method} ${path}`);
}

function createCollection(collections: Map<string, Collection>, name: string, body: unknown): boolean {
  if (collections.has(name)) throw new HttpFailure(400, `Wrong input: Collection \`${name}\` already exists!`);
  const vectors = (body as { vectors?: { size?: unknown; distance?: unknown } } | undefined)?.vectors;
  if (typeof vectors?.size !== "number" || vectors.distance !== "Cosine") {
    throw new HttpFailure(400, "this fake supports only { vectors: { size, distance: \"Cosine\" } }");
  }
  collections.set(name, { size: vectors.size, points: new Map() });
  return true;
}

function upsertPoints(collection: Collection, body: unknown): unknown {
  const points = (body as { points?: Point[] } | undefined)?.points;
  if (!Array.isArray(points)) throw new HttpFailure(400, "upsert needs a points array");
  for (const point of points) {
    if (!(typeof point.id === "number" || UUID_PATTERN.test(String(point.id)))) {
      throw new HttpFailure(400, `Unable to parse UUID: ${String(point.id)}`);
    }
    if (!Array.isArray(point.vector) || point.vector.length !== collection.size) {
      throw new HttpFailure(400, `Wrong input: Vector dimension error: expected dim: ${collection.size}, got ${point.vector?.length}`);
    }
  }
  for (const point of points) collection.points.set(String(point.id), point);
  return { operation_id: 1, status: "completed" };
}

function queryPoints(collection: Collection, body: unknown): unknown {
  const { query, limit, filter } = body as { query: number[]; limit?: number; filter?: QdrantFilter };
  if (!Array.isArray(query) || query.length !== collection.size) {
    throw new HttpFailure(400, `Wrong input: Vector dimension error: expected dim: ${collection.size}, got ${query?.length}`);
  }
  const scored = [...collection.points.values()]
    .filter((point) => matchesFilter(point.payload, filter))
    .map((point) => ({ id: point.id, version: 1, score: cosineSimilarity(query, point.vector), payload: point.payload }))
    .sort((a, b) => b.score - a.score)
    .slice(0, limit ?? 10);
  return { points: scored };
}

function deletePoints(collection: Collection, body: unknown): unknown {
  const { points, filter } = body as { points?: (string | number)[]; filter?: QdrantFilter };
  if (points) {
    for (const id of points) collection.points.delete(String(id));
  } else if (filter) {
    for (const [id, point] of collection.points) {
      if (matchesFilter(point.payload, filter)) collection.points.delete(id);
    }
  } else {
    throw new HttpFailure(400, "delete needs points or filter");
  }
  return { operation_id: 2, status: "completed" };
}

function matchesFilter(payload: Record<string, unknown>, filter: QdrantFilter | undefined): boolean {
  if (!filter) return true;
  const all = filter.must ?? [];
  const none = filter.must_not ?? [];
  return all.every((condition) => matchesCondition(payload, condition)) && !none.some((condition) => matchesCondition(payload, condition));
}

function matchesCondition(payload: Record<string, unknown>, condition: MatchCondition): boolean {
  let value: unknown = payload;
  for (const part of condition.key.split(".")) {
    value = (value as Record<string, unknown> | undefined)?.[part];
  }
  return value === condition.match.value;
}
