import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSampleDocument } from "../helpers/sample-document.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/** Asks the OS for a free port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForOk(baseUrl: string, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${baseUrl}/ok`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`langgraph dev did not answer /ok within ${timeoutMs} ms:\n${output()}`);
}

describe("graph under langgraph dev", () => {
  let server: ChildProcess;
  let baseUrl: string;
  let output = "";
  const workspace = mkdtempSync(path.join(os.tmpdir(), "doc2video-dev-"));

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = spawn(
      path.join(repoRoot, "node_modules/.bin/langgraphjs"),
      ["dev", "--port", String(port), "--host", "127.0.0.1", "--no-browser", "--no-reload", "--n-jobs-per-worker", "1"],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          DOC2VIDEO_WORKSPACE: workspace,
          DOC2VIDEO_TARGET_SECONDS: "6",
          DOC2VIDEO_MIN_SECONDS: "3",
          DOC2VIDEO_MAX_SECONDS: "10",
          DOC2VIDEO_FPS: "2",
          LOG_LEVEL: "silent",
        },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      },
    );
    server.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    server.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await waitForOk(baseUrl, 90_000, () => output);
  }, 120_000);

  afterAll(() => {
    // The dev server starts workers of its own; end the whole process group.
    if (server?.pid) process.kill(-server.pid, "SIGKILL");
  });

  it("lists the doc2video graph with its nodes", async () => {
    const assistants = (await (
      await fetch(`${baseUrl}/assistants/search`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })
    ).json()) as { assistant_id: string; graph_id: string }[];
    const assistant = assistants.find((candidate) => candidate.graph_id === "doc2video");
    expect(assistant).toBeDefined();
    const graph = (await (await fetch(`${baseUrl}/assistants/${assistant!.assistant_id}/graph`)).json()) as {
      nodes: { id: string }[];
    };
    const nodes = graph.nodes.map((node) => node.id);
    for (const node of ["ingestDocument", "segmentChapters", "indexChunks", "writeScript", "narrateScenes", "renderSlides", "composeVideo", "composeFullVideo", "publishRun"]) {
      expect(nodes).toContain(node);
    }
  });

  it("runs a document given only its path", async () => {
    const thread = (await (
      await fetch(`${baseUrl}/threads`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })
    ).json()) as { thread_id: string };
    const response = await fetch(`${baseUrl}/threads/${thread.thread_id}/runs/wait`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ assistant_id: "doc2video", input: { sourcePath: writeSampleDocument() } }),
    });
    const state = (await response.json()) as {
      runId?: string;
      chapters?: unknown[];
      manifest?: { url: string };
      __error__?: unknown;
    };
    expect(state.__error__, JSON.stringify(state.__error__)).toBeUndefined();
    expect(state.runId).toBe(thread.thread_id);
    expect(state.chapters).toHaveLength(3);
    expect(state.manifest?.url).toMatch(/^file:\/\//);
    expect(existsSync(fileURLToPath(state.manifest!.url))).toBe(true);
  }, 180_000);
});
