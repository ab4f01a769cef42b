/**
 * A fake Google Cloud Storage JSON API on 127.0.0.1: the calls the GCS
 * adapter makes through @google-cloud/storage (multipart and resumable
 * uploads with `ifGenerationMatch`, object metadata, media download,
 * paged listing, delete) plus path-style reads of signed URLs. It keeps
 * objects in memory, records every request and can inject failures.
 */
import { createHash, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { CRC32C } from "@google-cloud/storage";

/** One stored object, as the JSON API describes it plus its bytes. */
interface FakeObject {
  name: string;
  bucket: string;
  generation: number;
  contentType: string;
  metadata: Record<string, string>;
  content: Buffer;
  created: string;
}

/** An open resumable upload session. */
interface UploadSession {
  bucket: string;
  name: string;
  ifGenerationMatch?: number;
  contentType: string;
  metadata: Record<string, string>;
  received: Buffer[];
}

/** One request the server handled, with the status it returned. */
export interface RecordedGcsRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  status: number;
}

/** A running fake GCS server. */
export interface FakeGcsServer {
  /** Value for `GcsConfig.apiEndpoint`. */
  endpoint: string;
  requests: RecordedGcsRequest[];
  /** Stored objects by `bucket/name`. */
  objects: Map<string, FakeObject>;
  /** Fails the next `count` requests that `matches` accepts with `status` instead of serving them. */
  failNext(count: number, status?: number, matches?: (method: string, url: URL) => boolean): void;
  close(): Promise<void>;
}

/** Buckets the server serves (`buckets`) and buckets whose every call returns 403 (`deniedBuckets`). */
export interface FakeGcsOptions {
  buckets: string[];
  deniedBuckets?: string[];
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

function readBody(request: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

/** Splits a `multipart/related` body into its parts' bodies. */
function parseMultipartRelated(body: Buffer, contentTypeHeader: string): Buffer[] {
  const boundaryMatch = /boundary="?([^";]+)"?/.exec(contentTypeHeader);
  if (!boundaryMatch) throw new HttpFailure(400, "multipart upload without a boundary", "invalid");
  const delimiter = Buffer.from(`--${boundaryMatch[1]}`);
  const parts: Buffer[] = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = body.subarray(start + delimiter.length, next);
    const headerEnd = part.indexOf("\r\n\r\n");
    // Each part ends with the CRLF that precedes the next delimiter.
    parts.push(part.subarray(headerEnd + 4, part.length - 2));
    start = next;
  }
  return parts;
}

function resourceOf(object: FakeObject): Record<string, unknown> {
  const crc = new CRC32C();
  crc.update(object.content);
  return {
    kind: "storage#object",
    id: `${object.bucket}/${object.name}/${object.generation}`,
    name: object.name,
    bucket: object.bucket,
    generation: String(object.generation),
    metageneration: "1",
    contentType: object.contentType,
    size: String(object.content.length),
    md5Hash: createHash("md5").update(object.content).digest("base64"),
    crc32c: crc.toString(),
    metadata: object.metadata,
    timeCreated: object.created,
    updated: object.created,
  };
}

/** Starts the fake server on an OS-assigned port. */
export async function startFakeGcsServer(options: FakeGcsOptions): Promise<FakeGcsServer> {
  const buckets = new Set(options.buckets);
  const denied = new Set(options.deniedBuckets ?? []);
  const objects = new Map<string, FakeObject>();
  const sessions = new Map<string, UploadSession>();
  const requests: RecordedGcsRequest[] = [];
  let pendingFailures: { count: number; status: number; matches: (method: string, url: URL) => boolean } = {
    count: 0,
    status: 503,
    matches: () => true,
  };
  let generation = 1_000;
  let endpoint = "";

  function checkBucket(bucket: string): void {
    if (denied.has(bucket)) {
      throw new HttpFailure(403, `fake-sa@test.iam.gserviceaccount.com does not have storage.objects access to the Google Cloud Storage bucket ${bucket}.`, "forbidden");
    }
    if (!buckets.has(bucket)) throw new HttpFailure(404, "The specified bucket does not exist.", "notFound");
  }

  function storeObject(bucket: string, name: string, ifGenerationMatch: number | undefined, contentType: string, metadata: Record<string, string>, content: Buffer): FakeObject {
    const existing = objects.get(`${bucket}/${name}`);
    if (ifGenerationMatch !== undefined && (existing?.generation ?? 0) !== ifGenerationMatch) {
      throw new HttpFailure(412, "At least one of the pre-conditions you specified did not hold.", "conditionNotMet");
    }
    const object: FakeObject = { name, bucket, generation: ++generation, contentType, metadata, content, created: new Date().toISOString() };
    objects.set(`${bucket}/${name}`, object);
    return object;
  }

  function findObject(bucket: string, name: string): FakeObject {
    const object = objects.get(`${bucket}/${name}`);
    if (!object) throw new HttpFailure(404, `No such object: ${bucket}/${name}`, "notFound");
    return object;
  }

  function optionalNumber(value: string | null): number | undefined {
    return value === null ? undefined : Number(value);
  }

  async function handle(request: http.IncomingMessage, url: URL, response: http.ServerResponse): Promise<number> {
    const method = request.method ?? "GET";
    const body = await readBody(request);
    const sendJson = (status: number, value: unknown) => {
      response.writeHead(status, { "content-type": "application/json; charset=UTF-8" });
      response.end(JSON.stringify(value));
      return status;
    };

    let match = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
    if (match && method === "POST") {
      const bucket = decodeURIComponent(match[1]!);
      checkBucket(bucket);
      const uploadType = url.searchParams.get("uploadType");
      const ifGenerationMatch = optionalNumber(url.searchParams.get("ifGenerationMatch"));
      if (uploadType === "multipart") {
        const [metadataPart, mediaPart] = parseMultipartRelated(body, request.headers["content-type"] ?? "");
        const resource = JSON.parse(metadataPart!.toString("utf8")) as { name?: string; contentType?: string; metadata?: Record<string, string> };
        const name = url.searchParams.get("name") ?? resource.name ?? "";
        const object = storeObject(bucket, name, ifGenerationMatch, resource.contentType ?? "application/octet-stream", resource.metadata ?? {}, mediaPart ?? Buffer.alloc(0));
        return sendJson(200, resourceOf(object));
      }
      if (uploadType === "resumable") {
        const resource = body.length ? (JSON.parse(body.toString("utf8")) as { contentType?: string; metadata?: Record<string, string> }) : {};
        const id = randomUUID();
        sessions.set(id, {
          bucket,
          name: url.searchParams.get("name") ?? "",
          ifGenerationMatch,
          contentType: String(request.headers["x-upload-content-type"] ?? resource.contentType ?? "application/octet-stream"),
          metadata: resource.metadata ?? {},
          received: [],
        });
        response.writeHead(200, { location: `${endpoint}/upload/storage/v1/b/${match[1]}/o?uploadType=resumable&upload_id=${id}` });
        response.end();
        return 200;
      }
      throw new HttpFailure(400, `unsupported uploadType ${uploadType}`, "invalid");
    }

    if (match && method === "PUT") {
      const session = sessions.get(url.searchParams.get("upload_id") ?? "");
      if (!session) throw new HttpFailure(404, "No such upload session", "notFound");
      session.received.push(body);
      const range = /bytes (\d+|\*)-(\d+|\*)\/(\d+|\*)/.exec(String(request.headers["content-range"] ?? ""));
      const receivedBytes = session.received.reduce((sum, chunk) => sum + chunk.length, 0);
      // `bytes 0-*/*` sends the rest of the object in this one request, so it ends the upload.
      const streamedToEnd = range?.[2] === "*" && range?.[1] !== "*";
      const total = range?.[3] === "*" || !range ? undefined : Number(range[3]);
      if (!streamedToEnd && (total === undefined || receivedBytes < total)) {
        response.writeHead(308, receivedBytes > 0 ? { range: `bytes=0-${receivedBytes - 1}` } : {});
        response.end();
        return 308;
      }
      sessions.delete(url.searchParams.get("upload_id") ?? "");
      const object = storeObject(session.bucket, session.name, session.ifGenerationMatch, session.contentType, session.metadata, Buffer.concat(session.received));
      return sendJson(200, resourceOf(object));
    }

    match = /^\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
    if (match && method === "GET") {
      const bucket = decodeURIComponent(match[1]!);
      checkBucket(bucket);
      const prefix = url.searchParams.get("prefix") ?? "";
      const pageSize = Number(url.searchParams.get("maxResults") ?? 1000);
      const names = [...objects.values()]
        .filter((object) => object.bucket === bucket && object.name.startsWith(prefix))
        .map((object) => object.name)
        .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      const startAfter = url.searchParams.get("pageToken");
      const remaining = startAfter ? names.filter((name) => Buffer.compare(Buffer.from(name), Buffer.from(startAfter)) > 0) : names;
      const page = remaining.slice(0, pageSize);
      const nextPageToken = remaining.length > pageSize ? page[page.length - 1] : undefined;
      return sendJson(200, {
        kind: "storage#objects",
        items: page.map((name) => resourceOf(findObject(bucket, name))),
        ...(nextPageToken ? { nextPageToken } : {}),
      });
    }

    match = /^\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(url.pathname);
    if (match) {
      const bucket = decodeURIComponent(match[1]!);
      const name = decodeURIComponent(match[2]!);
      checkBucket(bucket);
      if (method === "DELETE") {
        findObject(bucket, name);
        objects.delete(`${bucket}/${name}`);
        response.writeHead(204);
        response.end();
        return 204;
      }
      const object = findObject(bucket, name);
      if (url.searchParams.get("alt") === "media") return sendMedia(response, object);
      return sendJson(200, resourceOf(object));
    }

    // Path-style read of a V4 signed URL: /<bucket>/<object>.
    match = /^\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (match && method === "GET" && url.searchParams.has("X-Goog-Signature")) {
      if (url.searchParams.get("X-Goog-Algorithm") !== "GOOG4-RSA-SHA256") {
        throw new HttpFailure(400, "unsupported signing algorithm", "invalid");
      }
      return sendMedia(response, findObject(decodeURIComponent(match[1]!), decodeURIComponent(match[2]!)));
    }
    throw new HttpFailure(404, `fake GCS has no route for ${method} ${url.pathname}`, "notFound");
  }

  function sendMedia(response: http.ServerResponse, object: FakeObject): number {
    const resource = resourceOf(object);
    response.writeHead(200, {
      "content-type": object.contentType,
      "content-length": object.content.length,
      "x-goog-generation": String(object.generation),
      "x-goog-hash": `crc32c=${String(resource.crc32c)},md5=${String(resource.md5Hash)}`,
    });
    response.end(object.content);
    return 200;
  }

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const record = (status: number) =>
      requests.push({ method: request.method ?? "GET", path: url.pathname, query: url.searchParams, status });
    const fail = (failure: HttpFailure) => {
      response.writeHead(failure.status, { "content-type": "application/json; charset=UTF-8" });
      response.end(JSON.stringify({ error: { code: failure.status, message: failure.message, errors: [{ message: failure.message, domain: "global", reason: failure.reason }] } }));
      record(failure.status);
    };

    if (pendingFailures.count > 0 && pendingFailures.matches(request.method ?? "GET", url)) {
      pendingFailures.count--;
      const status = pendingFailures.status;
      request.resume();
      request.on("end", () => fail(new HttpFailure(status, "injected failure: backend unavailable", "backendError")));
      return;
    }
    handle(request, url, response).then(record, (error: unknown) => {
      if (error instanceof HttpFailure) fail(error);
      else fail(new HttpFailure(500, String(error), "internalError"));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoint,
    requests,
    objects,
    failNext: (count, status = 503, matches = () => true) => {
      pendingFailures = { count, status, matches };
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
