/**
 * Starts s3rver (a fake S3) in a child process on 127.0.0.1 with a fresh
 * data folder, behind a small HTTP proxy that records every request and can
 * fail chosen requests with injected errors. Tests of outages can stop and
 * restart both on the same data folder and proxy port.
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
  /** Status the client received; 0 when the proxy reset the connection instead. */
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
  /** Fails the next `count` requests that `matches` accepts with an S3 error instead of forwarding them. */
  injectFault(fault: { count: number; status: number; code: string; matches?: (method: string, url: URL) => boolean }): void;
  /** Drops every injected fault that has not fired yet. */
  clearFaults(): void;
  /**
   * Stops the server when the first request that `matches` accepts arrives:
   * that request and every later one get a reset connection, requests
   * already forwarded finish, and the proxy and s3rver shut down with the
   * data folder kept. Resolves once both are down.
   */
  stopOn(matches: (method: string, url: URL) => boolean): Promise<void>;
  /** Shuts down the proxy (clients then get ECONNREFUSED) and s3rver, keeping the data folder. */
  stop(): Promise<void>;
  /** Starts s3rver again on the same data folder, and the proxy on the same port, so `endpoint` stays valid. */
  start(): Promise<void>;
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

/** Spawns s3rver on a free port serving `directory`, and resolves with the child and its port. */
async function spawnS3rver(directory: string, buckets: string[]): Promise<{ child: ChildProcess; port: number }> {
  const bin = path.join(path.dirname(require.resolve("s3rver/package.json")), "bin", "s3rver.js");
  const args = ["--openssl-legacy-provider", bin, "-d", directory, "-a", "127.0.0.1", "-p", "0", "-s"];
  for (const bucket of buckets) args.push("--configure-bucket", bucket);
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const port = await waitForListeningLine(child, 20_000);
  return { child, port };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  await exited;
}

/** Starts s3rver with `buckets` created, and the proxy in front of it. */
export async function startS3rver(options: { buckets: string[] }): Promise<RunningS3rver> {
  const directory = await mkdtemp(path.join(os.tmpdir(), "doc2video-s3rver-"));
  let upstream = await spawnS3rver(directory, options.buckets);

  const requests: RecordedS3Request[] = [];
  const faults: InjectedFault[] = [];
  let stopTrigger: { matches: (method: string, url: URL) => boolean; stopped: (result: Promise<void>) => void } | undefined;
  // Set from the moment a stop begins, so no request reaches s3rver while it shuts down.
  let down = false;
  // Requests forwarded to s3rver and still waiting for a response. A stop lets them finish first.
  let inFlight = 0;
  let onDrained: (() => void) | undefined;

  const proxy = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const record = (status: number) =>
      requests.push({ method: request.method ?? "GET", path: url.pathname, query: url.searchParams, status });

    if (stopTrigger?.matches(request.method ?? "GET", url)) {
      const { stopped } = stopTrigger;
      stopTrigger = undefined;
      stopped(stop());
    }
    if (down) {
      record(0);
      request.socket.destroy();
      return;
    }

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

    inFlight++;
    response.once("close", () => {
      inFlight--;
      if (inFlight === 0) onDrained?.();
    });
    const forwarded = http.request(
      { host: "127.0.0.1", port: upstream.port, method: request.method, path: request.url, headers: request.headers },
      (upstreamResponse) => {
        record(upstreamResponse.statusCode ?? 0);
        response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        upstreamResponse.pipe(response);
      },
    );
    forwarded.on("error", (error) => response.destroy(error));
    request.pipe(forwarded);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const { port } = proxy.address() as AddressInfo;

  /**
   * Refuses new connections and resets new requests at once, but lets the
   * requests s3rver already has finish, so no object is left half written.
   */
  async function stop(): Promise<void> {
    down = true;
    const closed = new Promise<void>((resolve) => proxy.close(() => resolve()));
    proxy.closeIdleConnections();
    if (inFlight > 0) await new Promise<void>((resolve) => (onDrained = resolve));
    onDrained = undefined;
    proxy.closeAllConnections();
    await closed;
    await stopChild(upstream.child);
  }

  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    injectFault: ({ count, status, code, matches }) =>
      faults.push({ remaining: count, status, code, matches: matches ?? (() => true) }),
    clearFaults: () => {
      faults.length = 0;
    },
    stopOn: (matches) =>
      new Promise<void>((resolve, reject) => {
        stopTrigger = { matches, stopped: (result) => result.then(resolve, reject) };
      }),
    stop,
    start: async () => {
      upstream = await spawnS3rver(directory, options.buckets);
      await new Promise<void>((resolve, reject) => {
        proxy.once("error", reject);
        proxy.listen(port, "127.0.0.1", () => {
          proxy.off("error", reject);
          resolve();
        });
      });
      down = false;
    },
    close: async () => {
      if (proxy.listening) {
        proxy.closeAllConnections();
        await new Promise<void>((resolve) => proxy.close(() => resolve()));
      }
      await stopChild(upstream.child);
      await rm(directory, { recursive: true, force: true });
    },
  };
}
