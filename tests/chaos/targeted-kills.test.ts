import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getStorageAdapter } from "../../src/adapters/storage/index.js";
import { S3StorageAdapter } from "../../src/adapters/storage/s3.js";
import { loadConfig } from "../../src/config.js";
import { RunRegistry } from "../../src/runs/run-registry.js";
import { S3RVER_CREDENTIALS, startS3rver, type RunningS3rver } from "../fakes/s3rver.js";
import {
  CHAOS_RUN_FLAGS,
  archivedHashesByKind,
  processesWithMarker,
  readLedger,
  runIdOf,
  startCli,
  storageSnapshot,
  survivingProcesses,
  unexplainedRepeats,
  writeFiveChapterDocument,
  type CliProcess,
} from "./chaos-harness.js";

/** A finished run: where it lives and what it stored. */
interface FinishedRun {
  workspace: string;
  runId: string;
  snapshot: Map<string, string>;
}

async function snapshotOf(workspace: string, runId: string, env: Record<string, string> = {}): Promise<Map<string, string>> {
  const config = loadConfig({ workspace, logLevel: "silent" }, env);
  if (config.storage.provider !== "s3") return storageSnapshot(getStorageAdapter(config), runId, workspace);
  const storage = new S3StorageAdapter(config.storage.s3, { credentials: S3RVER_CREDENTIALS });
  try {
    return await storageSnapshot(storage, runId, workspace);
  } finally {
    storage.destroy();
  }
}

/** Polls `condition` every 10 ms until it holds; rejects when the CLI exits first. */
async function waitUntil(cli: CliProcess, condition: () => boolean, what: string): Promise<void> {
  let exited = false;
  void cli.exited.then(() => (exited = true));
  while (!condition()) {
    if (exited) throw new Error(`CLI exited before ${what}:\n${cli.stdout()}\n${cli.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resumes until the run completes, then checks the run against a clean one. */
async function resumeAndCompare(
  workspace: string,
  runId: string,
  clean: FinishedRun,
  env: Record<string, string> = {},
): Promise<void> {
  const resumed = startCli(["--workspace", workspace, "--thread", runId], env);
  const result = await resumed.exited;
  expect(result.code, resumed.stderr()).toBe(0);
  expect(await survivingProcesses(resumed.marker)).toEqual([]);

  const registry = new RunRegistry(path.join(workspace, "checkpoints.sqlite"));
  expect(registry.get(runId)?.status).toBe("completed");
  registry.close();

  expect(Object.fromEntries(await snapshotOf(workspace, runId, env))).toEqual(Object.fromEntries(clean.snapshot));
  const { calls, nodeStatus } = readLedger(workspace, runId);
  expect(archivedHashesByKind(calls)).toEqual(archivedHashesByKind(readLedger(clean.workspace, clean.runId).calls));
  expect(unexplainedRepeats(calls, nodeStatus)).toEqual([]);
}

async function cleanRun(args: string[], env: Record<string, string> = {}): Promise<FinishedRun> {
  const workspace = mkdtempSync(path.join(os.tmpdir(), "doc2video-targeted-clean-"));
  const cli = startCli(["--workspace", workspace, ...args], env);
  const result = await cli.exited;
  expect(result.code, cli.stderr()).toBe(0);
  const runId = runIdOf(cli);
  return { workspace, runId, snapshot: await snapshotOf(workspace, runId, env) };
}

describe("kills at chosen moments", () => {
  const document = writeFiveChapterDocument();
  const runArgs = ["run", document, ...CHAOS_RUN_FLAGS];
  let clean: FinishedRun;

  beforeAll(async () => {
    clean = await cleanRun(runArgs);
  }, 120_000);

  it("resumes after a kill during an ffmpeg encode", async () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), "doc2video-targeted-"));
    const cli = startCli(["--workspace", workspace, ...runArgs]);
    await waitUntil(cli, () => processesWithMarker(cli.marker).some((line) => /ffmpeg/.test(line)), "starting ffmpeg");
    await cli.killGroup();
    expect(await survivingProcesses(cli.marker)).toEqual([]);
    await resumeAndCompare(workspace, runIdOf(cli), clean);
  });

  it("stops ffmpeg on SIGTERM and resumes", async () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), "doc2video-targeted-"));
    const cli = startCli(["--workspace", workspace, ...runArgs]);
    await waitUntil(cli, () => processesWithMarker(cli.marker).some((line) => /ffmpeg/.test(line)), "starting ffmpeg");
    // Only the CLI gets the signal: its abort handling has to stop the children itself.
    cli.child.kill("SIGTERM");
    const result = await cli.exited;
    expect(result.code).toBe(1);
    expect(await survivingProcesses(cli.marker)).toEqual([]);
    const runId = runIdOf(cli);
    const registry = new RunRegistry(path.join(workspace, "checkpoints.sqlite"));
    expect(registry.get(runId)?.status).toBe("interrupted");
    registry.close();
    await resumeAndCompare(workspace, runId, clean);
  });

  it("resumes after a kill inside a checkpoint write", async () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), "doc2video-targeted-"));
    // The sixth checkpoint falls in the per-chapter stages, after indexing.
    const cli = startCli(["--workspace", workspace, ...runArgs], { DOC2VIDEO_INJECT_CRASH: "checkpoint:6" });
    const result = await cli.exited;
    expect(result.signal).toBe("SIGKILL");
    expect(await survivingProcesses(cli.marker)).toEqual([]);
    const registry = new RunRegistry(path.join(workspace, "checkpoints.sqlite"));
    const runId = runIdOf(cli);
    expect(registry.get(runId)?.status).toBe("interrupted");
    registry.close();
    await resumeAndCompare(workspace, runId, clean);
  });
});

/** Writes one chapter of about 1,300 words, whose narration WAV (about 6 MB) uploads multipart. */
function writeLongChapterDocument(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), "doc2video-multipart-doc-"));
  const sentences: string[] = [];
  const subjects = ["tide", "keeper", "lamp", "boat", "gull", "net", "storm", "pier", "rope", "bell"];
  for (let index = 0; index < 60; index++) {
    const subject = subjects[index % subjects.length]!;
    sentences.push(`Entry ${index + 1} of the harbour log describes how the ${subject} behaved on a grey morning near the old stone wall.`);
  }
  const filePath = path.join(folder, "log.md");
  writeFileSync(filePath, ["# Harbour Log", "", "## The Long Watch", "", sentences.join(" "), ""].join("\n"));
  return filePath;
}

describe("kill during an S3 multipart upload", () => {
  const BUCKET = "durable-runs";
  let server: RunningS3rver;
  let env: Record<string, string>;
  const args = ["run", writeLongChapterDocument(), "--target-seconds", "200", "--min-seconds", "180", "--max-seconds", "260", "--fps", "1"];

  beforeAll(async () => {
    server = await startS3rver({ buckets: [BUCKET] });
    env = {
      STORAGE_PROVIDER: "s3",
      S3_BUCKET: BUCKET,
      S3_ENDPOINT: server.endpoint,
      S3_PREFIX: "chaos",
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    };
  }, 60_000);

  afterAll(async () => {
    await server?.close();
  });

  it("resumes and stores each object once", async () => {
    const clean = await cleanRun(args, env);
    const requestsBefore = server.requests.length;
    const isUploadPart = (request: (typeof server.requests)[number]) => request.method === "PUT" && request.query.has("partNumber");
    expect(server.requests.some(isUploadPart)).toBe(true);

    const workspace = mkdtempSync(path.join(os.tmpdir(), "doc2video-multipart-"));
    const cli = startCli(["--workspace", workspace, ...args], env);
    await waitUntil(cli, () => server.requests.slice(requestsBefore).some(isUploadPart), "the first UploadPart");
    await cli.killGroup();
    expect(await survivingProcesses(cli.marker)).toEqual([]);
    await resumeAndCompare(workspace, runIdOf(cli), clean, env);
  }, 180_000);
});
