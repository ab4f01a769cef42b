/**
 * A minimal OpenAI-compatible HTTP server on 127.0.0.1 for archive tests:
 * `POST /chat/completions` echoes the last user message, `POST /embeddings`
 * returns small deterministic vectors, and chosen requests fail with an
 * injected status.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

/** One request the server received. */
export interface RecordedModelRequest {
  path: string;
  authorization?: string;
  body: Record<string, unknown>;
  status: number;
}

/** A running fake server. */
export interface OpenAiCompatibleServer {
  /** Value for `configuration.baseURL`. */
  baseURL: string;
  requests: RecordedModelRequest[];
  /** Fails the next `count` requests with `status`. */
  failNext(count: number, status: number): void;
  close(): Promise<void>;
}

function lastUserText(body: Record<string, unknown>): string {
  const messages = (body.messages ?? []) as { role: string; content: unknown }[];
  const last = [...messages].reverse().find((message) => message.role === "user");
  return typeof last?.content === "string" ? last.content : JSON.stringify(last?.content ?? "");
}

/** Starts the server on an OS-assigned port. */
export async function startOpenAiCompatibleServer(): Promise<OpenAiCompatibleServer> {
  const requests: RecordedModelRequest[] = [];
  let failures = { count: 0, status: 500 };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>) : {};
      const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
      const send = (status: number, payload: unknown) => {
        requests.push({ path, authorization: request.headers.authorization, body, status });
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(payload));
      };

      if (failures.count > 0) {
        failures.count--;
        send(failures.status, { error: { message: `injected failure ${failures.status}`, type: "server_error", code: null } });
        return;
      }
      if (path.endsWith("/chat/completions")) {
        const reply = `echo: ${lastUserText(body)}`;
        send(200, {
          id: "chatcmpl-test",
          object: "chat.completion",
          created: 1_700_000_000,
          model: body.model,
          choices: [{ index: 0, message: { role: "assistant", content: reply }, finish_reason: "stop", logprobs: null }],
          usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
        });
        return;
      }
      if (path.endsWith("/embeddings")) {
        const inputs = (Array.isArray(body.input) ? body.input : [body.input]) as string[];
        send(200, {
          object: "list",
          model: body.model,
          data: inputs.map((text, index) => {
            const vector = [text.length, index, 0.5];
            // The openai client requests base64-encoded float32 vectors unless `encoding_format` is set.
            const embedding =
              body.encoding_format === "base64" ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : vector;
            return { object: "embedding", index, embedding };
          }),
          usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
        });
        return;
      }
      send(404, { error: { message: `no route for ${path}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    failNext: (count, status) => {
      failures = { count, status };
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
