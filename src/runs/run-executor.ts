/**
 * Starts and resumes runs: compiles the graph with the SQLite checkpointer
 * (thread id = run id), holds the run lock, streams progress, and records
 * the outcome in the run registry.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { buildDoc2VideoGraph } from "../../graphs/doc2video.js";
import type { AppConfig, RunOptions } from "../config.js";
import { readDocument } from "../document/read-document.js";
import { RunError, isAbortError } from "../errors.js";
import { createServices, type Services } from "../services.js";
import type { RunStateType } from "../state.js";
import { sha256OfFile } from "../adapters/storage/body.js";

/** One progress event: a node finished (for a chapter, for per-chapter nodes). */
export interface ProgressEvent {
  node: string;
  chapterIndex?: number;
  chapterCount?: number;
  chapterTitle?: string;
}

/** Options shared by start and resume. */
export interface ExecuteOptions {
  config: AppConfig;
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
  /** Prebuilt services, for tests that count calls; built from `config` otherwise. */
  services?: Services;
}

/** Outcome of a finished run. */
export interface RunOutcome {
  runId: string;
  state: RunStateType;
  elapsedSeconds: number;
}

/** Makes a readable, unique run id such as `20261204-203012-hound-of-the-bask-3f9a`. */
export function newRunId(sourcePath: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  const stem = path
    .basename(sourcePath, path.extname(sourcePath))
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 20)
    .replace(/-+$/, "");
  return [stamp, stem || "document", randomBytes(2).toString("hex")].join("-");
}

function compileGraph(services: Services) {
  const checkpointer = SqliteSaver.fromConnString(services.paths.checkpointsDb);
  return buildDoc2VideoGraph().compile({ checkpointer });
}

function progressFromChunk(chunk: Record<string, unknown>, chapterCount: number): ProgressEvent[] {
  const events: ProgressEvent[] = [];
  for (const [node, update] of Object.entries(chunk)) {
    if (node.startsWith("__")) continue;
    const artifacts = (update as { artifacts?: Record<string, unknown> } | null)?.artifacts;
    const chapterKeys = artifacts ? Object.keys(artifacts) : [];
    if (chapterKeys.length === 1) {
      events.push({ node, chapterIndex: Number(chapterKeys[0]), chapterCount });
    } else {
      events.push({ node });
    }
  }
  return events;
}

async function execute(
  services: Services,
  runId: string,
  input: Partial<RunStateType> | null,
  options: ExecuteOptions,
): Promise<RunOutcome> {
  const started = performance.now();
  const graph = compileGraph(services);
  const threadConfig = { configurable: { thread_id: runId } };
  const registry = services.registry;
  registry.markStaleNodesAborted(runId);

  let chapterCount = (await graph.getState(threadConfig)).values?.chapters?.length ?? 0;
  try {
    const stream = await graph.stream(input, {
      ...threadConfig,
      context: { services },
      streamMode: "updates",
      signal: options.signal,
      recursionLimit: 1000,
    });
    for await (const chunk of stream) {
      const record = chunk as Record<string, unknown>;
      const chapters = (record.segmentChapters as { chapters?: unknown[] } | undefined)?.chapters;
      if (chapters) chapterCount = chapters.length;
      for (const event of progressFromChunk(record, chapterCount)) options.onProgress?.(event);
    }
    const state = (await graph.getState(threadConfig)).values as RunStateType;
    if (!state.manifest) {
      throw new RunError(runId, `run ${runId} stopped before publishing its manifest; resume it with --thread ${runId}`);
    }
    registry.setStatus(runId, "completed");
    return { runId, state, elapsedSeconds: (performance.now() - started) / 1000 };
  } catch (error) {
    const failed = registry.nodeRuns(runId).filter((run) => run.status === "failed").at(-1);
    const interrupted = isAbortError(error) || options.signal?.aborted;
    registry.setStatus(runId, interrupted ? "interrupted" : "failed", {
      node: failed?.node,
      chapterIndex: failed?.chapterIndex ?? undefined,
      error: error instanceof Error ? error.message : String(error),
    });
    throw error;
  } finally {
    registry.releaseLock(runId);
  }
}

/** Starts a new run on `sourcePath`. The run id is reported through `onRunId` before any work starts. */
export async function startRun(
  sourcePath: string,
  runOptions: RunOptions,
  options: ExecuteOptions & { runId?: string; onRunId?: (runId: string) => void },
): Promise<RunOutcome> {
  // Reading the document first rejects missing, empty and binary files before a run is registered.
  const document = await readDocument(sourcePath);
  const services = options.services ?? createServices(options.config);
  const runId = options.runId ?? newRunId(sourcePath);
  services.registry.create({
    runId,
    sourcePath: path.resolve(sourcePath),
    sourceSha256: document.sourceSha256,
    optionsJson: JSON.stringify(runOptions),
  });
  options.onRunId?.(runId);
  return execute(services, runId, { runId, sourcePath: path.resolve(sourcePath), options: runOptions }, options);
}

/** Resumes a run from its last checkpoint. */
export async function resumeRun(runId: string, options: ExecuteOptions): Promise<RunOutcome> {
  const services = options.services ?? createServices(options.config);
  const run = services.registry.get(runId);
  if (!run) {
    throw new RunError(runId, `run ${runId} not found in ${services.paths.checkpointsDb}; list runs with \`pnpm agent runs\``);
  }
  const currentSha = await sha256OfFile(run.sourcePath).catch(() => undefined);
  if (currentSha === undefined) {
    throw new RunError(runId, `source document ${run.sourcePath} of run ${runId} is missing; restore it to resume`);
  }
  if (run.sourceSha256 && currentSha !== run.sourceSha256) {
    throw new RunError(
      runId,
      `source document ${run.sourcePath} changed since run ${runId} started; start a new run with \`pnpm agent run ${run.sourcePath}\``,
    );
  }
  services.registry.acquireLock(runId);
  if (run.status === "completed") {
    const graph = compileGraph(services);
    const state = (await graph.getState({ configurable: { thread_id: runId } })).values as RunStateType;
    services.registry.releaseLock(runId);
    return { runId, state, elapsedSeconds: 0 };
  }
  return execute(services, runId, null, options);
}
