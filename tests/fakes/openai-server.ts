/**
 * A fake OpenAI-compatible API on 127.0.0.1 for tests: `POST
 * /v1/chat/completions` (plain or streamed as server-sent events) and
 * `POST /v1/embeddings`. It records and counts
 * every request, replies to chat completions from a queue of scripted replies
 * (JSON content, raw text or an HTTP error) or from a responder function,
 * and returns small deterministic embedding vectors.
 */
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

/** One chat message as sent on the wire. */
export interface WireMessage {
  role: string;
  content: unknown;
}

/** The parts of a chat completions request body the tests look at. */
export interface ChatRequestBody extends Record<string, unknown> {
  model: string;
  messages: WireMessage[];
  response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: Record<string, unknown> } };
}

/** What the server does with one chat completion request. */
export type ChatReply =
  /** Replies with `JSON.stringify(json)` as the message content. */
  | { json: unknown; delayMs?: number }
  /** Replies with `text` as the message content, for invalid output. */
  | { text: string; delayMs?: number }
  /**
   * Fails with an OpenAI-style error body; `code` is the error code, such as
   * `insufficient_quota`, and `retryAfterSeconds` sets the `retry-after` header.
   */
  | { status: number; message?: string; code?: string; retryAfterSeconds?: number; delayMs?: number };

/** One request the server received. */
export interface RecordedRequest {
  method: string;
  path: string;
  authorization?: string;
  body: Record<string, unknown>;
  /** HTTP status of the server's response. */
  status: number;
}

/** A running fake server. */
export interface FakeOpenAiServer {
  /** Value for `OPENAI_BASE_URL` or `configuration.baseURL`. */
  baseURL: string;
  /** Every request, in arrival order. */
  requests: RecordedRequest[];
  /** Number of chat completion requests received, failed ones included. */
  readonly chatCompletionCount: number;
  /** Bodies of the chat completion requests, in arrival order. */
  chatRequests(): ChatRequestBody[];
  /** Queues replies for the next chat completion requests, in order. */
  enqueueChat(...replies: ChatReply[]): void;
  /** Sets how chat completions are replied to once the queue is empty. */
  respondWith(responder: (body: ChatRequestBody) => ChatReply): void;
  close(): Promise<void>;
}

/** Dimensions of the fake embedding vectors. */
export const FAKE_EMBEDDING_DIMENSIONS = 8;

/** Derives a unit vector from the SHA-256 of `text`, so equal texts get equal vectors. */
export function fakeEmbedding(text: string): number[] {
  const digest = createHash("sha256").update(text).digest();
  const vector = Array.from({ length: FAKE_EMBEDDING_DIMENSIONS }, (_, index) => digest[index]! / 255 - 0.5);
  const length = Math.hypot(...vector) || 1;
  return vector.map((value) => value / length);
}

function errorType(status: number): string {
  if (status === 401) return "invalid_request_error";
  if (status === 429) return "rate_limit_error";
  return status >= 500 ? "server_error" : "invalid_request_error";
}

/** Splits a completion into server-sent events the way OpenAI streams it: role, content pieces, finish reason, usage. */
function chatCompletionEvents(body: ChatRequestBody, content: string, sequence: number): string {
  const chunk = (delta: Record<string, unknown>, finishReason: string | null, usage?: unknown) => ({
    id: `chatcmpl-fake-${sequence}`,
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: body.model,
    choices: usage ? [] : [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
    ...(usage ? { usage } : {}),
  });
  const middle = Math.ceil(content.length / 2);
  const events = [
    chunk({ role: "assistant", content: "" }, null),
    chunk({ content: content.slice(0, middle) }, null),
    chunk({ content: content.slice(middle) }, null),
    chunk({}, "stop"),
  ];
  const streamOptions = body.stream_options as { include_usage?: boolean } | undefined;
  if (streamOptions?.include_usage) events.push(chunk({}, null, { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 }));
  return events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join("") + "data: [DONE]\n\n";
}

function chatCompletion(body: ChatRequestBody, content: string, sequence: number): unknown {
  return {
    id: `chatcmpl-fake-${sequence}`,
    object: "chat.completion",
    created: 1_700_000_000,
    model: body.model,
    choices: [{ index: 0, message: { role: "assistant", content, refusal: null }, finish_reason: "stop", logprobs: null }],
    usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
  };
}

interface HttpReply {
  status: number;
  headers?: Record<string, string>;
  payload: unknown;
}

/** Starts the server on an OS-assigned port of 127.0.0.1. */
export async function startFakeOpenAiServer(): Promise<FakeOpenAiServer> {
  const requests: RecordedRequest[] = [];
  const queue: ChatReply[] = [];
  let responder: ((body: ChatRequestBody) => ChatReply) | undefined;
  let chatCount = 0;

  const replyToChat = async (body: ChatRequestBody): Promise<HttpReply> => {
    chatCount++;
    const reply = queue.shift() ?? responder?.(body) ?? { status: 500, message: "the fake server has no reply queued for this request" };
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if ("status" in reply) {
      const message = reply.message ?? `fake failure with status ${reply.status}`;
      const headers: Record<string, string> = reply.retryAfterSeconds === undefined ? {} : { "retry-after": String(reply.retryAfterSeconds) };
      return { status: reply.status, headers, payload: { error: { message, type: errorType(reply.status), code: reply.code ?? null, param: null } } };
    }
    const content = "json" in reply ? JSON.stringify(reply.json) : reply.text;
    if (body.stream === true) {
      return { status: 200, headers: { "content-type": "text/event-stream" }, payload: chatCompletionEvents(body, content, chatCount) };
    }
    return { status: 200, payload: chatCompletion(body, content, chatCount) };
  };

  const replyToEmbeddings = (body: Record<string, unknown>): HttpReply => {
    const inputs = (Array.isArray(body.input) ? body.input : [body.input]) as string[];
    return {
      status: 200,
      payload: {
        object: "list",
        model: body.model,
        data: inputs.map((text, index) => {
          const vector = fakeEmbedding(String(text));
          // The openai client asks for base64-encoded float32 vectors unless `encoding_format` is set.
          const embedding = body.encoding_format === "base64" ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : vector;
          return { object: "embedding", index, embedding };
        }),
        usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
      },
    };
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      void (async () => {
        const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
        let body: Record<string, unknown> = {};
        let result: HttpReply;
        try {
          body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>) : {};
          if (request.method === "POST" && path === "/v1/chat/completions") result = await replyToChat(body as ChatRequestBody);
          else if (request.method === "POST" && path === "/v1/embeddings") result = replyToEmbeddings(body);
          else result = { status: 404, payload: { error: { message: `no route for ${request.method} ${path}`, type: "invalid_request_error" } } };
        } catch (error) {
          result = { status: 400, payload: { error: { message: `invalid request body: ${(error as Error).message}`, type: "invalid_request_error" } } };
        }
        requests.push({ method: request.method ?? "", path, authorization: request.headers.authorization, body, status: result.status });
        response.writeHead(result.status, { "content-type": "application/json", ...result.headers });
        response.end(typeof result.payload === "string" ? result.payload : JSON.stringify(result.payload));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    get chatCompletionCount() {
      return chatCount;
    },
    chatRequests: () => requests.filter((entry) => entry.path === "/v1/chat/completions").map((entry) => entry.body as ChatRequestBody),
    enqueueChat: (...replies) => {
      queue.push(...replies);
    },
    respondWith: (next) => {
      responder = next;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
