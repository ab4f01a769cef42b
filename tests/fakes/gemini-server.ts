/**
 * A fake Vertex AI Gemini API on 127.0.0.1: `POST
 * /v1/publishers/google/models/<model>:generateContent` and
 * `:streamGenerateContent` (a JSON array of responses), the express mode
 * paths. It records every request and replies with queued text or errors.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

/** What the server does with one request: reply with `text`, or fail with `status`. */
export type GeminiReply = { text: string } | { status: number; message?: string };

/** One request the server received. */
export interface RecordedGeminiRequest {
  path: string;
  apiKey?: string;
  body: Record<string, unknown>;
  status: number;
}

/** A running fake server. */
export interface FakeGeminiServer {
  /** `http://127.0.0.1:<port>`, to stand in for `https://aiplatform.googleapis.com`. */
  origin: string;
  requests: RecordedGeminiRequest[];
  /** Queues replies for the next requests, in order. */
  enqueue(...replies: GeminiReply[]): void;
  close(): Promise<void>;
}

function candidateResponse(text: string): unknown {
  return {
    candidates: [{ content: { role: "model", parts: [{ text }] }, finishReason: "STOP", index: 0 }],
    usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 50, totalTokenCount: 150 },
    modelVersion: "fake-gemini",
  };
}

/** Starts the server on an OS-assigned port of 127.0.0.1. */
export async function startFakeGeminiServer(): Promise<FakeGeminiServer> {
  const requests: RecordedGeminiRequest[] = [];
  const queue: GeminiReply[] = [];

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
      const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>) : {};
      const reply = queue.shift() ?? { status: 500, message: "the fake server has no reply queued for this request" };
      const streamed = path.endsWith(":streamGenerateContent");
      const known = /^\/v1\/publishers\/google\/models\/[^/:]+:(?:stream)?[gG]enerateContent$/.test(path);

      let status: number;
      let payload: unknown;
      if (!known) {
        status = 404;
        payload = { error: { code: 404, message: `no route for ${path}`, status: "NOT_FOUND" } };
      } else if ("status" in reply) {
        status = reply.status;
        payload = { error: { code: reply.status, message: reply.message ?? `fake failure with status ${reply.status}`, status: "UNAVAILABLE" } };
      } else {
        status = 200;
        payload = streamed ? [candidateResponse(reply.text)] : candidateResponse(reply.text);
      }
      requests.push({ path, apiKey: request.headers["x-goog-api-key"] as string | undefined, body, status });
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
