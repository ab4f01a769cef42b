/**
 * Starts s3rver (a fake S3) in a child process on 127.0.0.1 with a fresh
 * data folder, behind a small HTTP proxy that records every request and can
 * fail chosen requests with injected errors.
 *
 * s3rver runs under `--openssl-legacy-provider` because it encrypts paged
 * ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only offers
 * through its legacy provider.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** The access key and secret s3rver accepts by default. */
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

/** One request the proxy forwarded or failed itself. */
export interface RecordedS3Request {
  method: string;
  /** Path as sent, still percent-encoded. */
  path: string;
  query: URLSearchParams;
  /** Status the client received. */
  status: number;
}

/** An error the proxy returns instead of forwarding, for the next `remaining` matching requests. */
interface InjectedFault {
  remaining: number;
  status: number;
  code: string;
  matches: (method: string, url: URL) => boolean;
}

/** A running s3rver behind its recording proxy. */
export interface RunningS3rver {
  /** Endpoint to give the S3 client (the proxy). */
  endpoint: string;
  requests: RecordedS3Request[];
  /** Answers the next `count` requests that `matches` accepts with an S3 error instead of forwarding them. */
  injectFault(fault: { count: number; status: number; code: string; matches?: (method: string, url: URL) => boolean }): void;
  /** Drops every injected fault that has not fired yet. */
  clearFaults(): void;
  close(): Promise<void>;
}

function waitForListeningLine(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`s3rver did not start within ${timeoutMs} ms; output: ${output}`)), timeoutMs);
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on [^:]+:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited with code ${code} before listening; output: ${output}`));
    });
  });
}

/** Starts s3rver with `buckets` created, and the proxy in front of it. */
export async function startS3rver(options: { buckets: string[] }): Promise<RunningS3rver> {
  const directory = await mkdtemp(path.join(os.tmpdir(), "doc2video-s3rver-"));
  const bin = path.join(path.dirname(require.resolve("s3rver/package.json")), "bin", "s3rver.js");
  const args = ["--openssl-legacy-provider", bin, "-d", directory, "-a", "127.0.0.1", "-p", "0", "-s"];
  for (const bucket of options.buckets) args.push("--configure-bucket", bucket);
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const upstreamPort = await waitForListeningLine(child, 20_000);

  const requests: RecordedS3Request[] = [];
  const faults: InjectedFault[] = [];

  const proxy = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const record = (status: number) =>
      requests.push({ method: request.method ?? "GET", path: url.pathname, query: url.searchParams, status });

    const fault = faults.find((candidate) => candidate.remaining > 0 && candidate.matches(request.method ?? "GET", url));
    if (fault) {
      fault.remaining--;
      // Read the body first so the client sees the error response, not a reset socket.
      request.resume();
      request.on("end", () => {
        record(fault.status);
        response.writeHead(fault.status, { "content-type": "application/xml" });
        response.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${fault.code}</Code><Message>injected by the test proxy</Message></Error>`);
      });
      return;
    }

    const upstream = http.request(
      { host: "127.0.0.1", port: upstreamPort, method: request.method, path: request.url, headers: request.headers },
      (upstreamResponse) => {
        record(upstreamResponse.statusCode ?? 0);
        response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        upstreamResponse.pipe(response);
      },
    );
    upstream.on("error", (error) => response.destroy(error));
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const { port } = proxy.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    injectFault: ({ count, status, code, matches }) =>
      faults.push({ remaining: count, status, code, matches: matches ?? (() => true) }),
    clearFaults: () => {
      faults.length = 0;
    },
    close: async () => {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      await exited;
      await rm(directory, { recursive: true, force: true });
    },
  };
}
