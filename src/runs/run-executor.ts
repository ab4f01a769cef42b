/**
 * Starts and resumes runs: compiles the graph with the SQLite checkpointer
 * (thread id = run id), holds the run lock, streams progress, and records
 * the outcome in the run registry.
 *
 * A resume checks that the source document and the configuration that is
 * not frozen in graph state (see config-fingerprint.ts) are unchanged, and
 * rejects it otherwise. With `force`, it restarts from the first stage the
 * change affects instead: see `restartAffectedStages`.
 */
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import { buildDoc2VideoGraph } from "../../graphs/doc2video.js";
import type { AppConfig, RunOptions } from "../config.js";
import { readDocument } from "../document/read-document.js";
import { RunError, isAbortError } from "../errors.js";
import { getLogger } from "../logger.js";
import { createServices, type Services } from "../services.js";
import { closeChunkIndexes } from "../nodes/chunk-index.js";
import { checkRunOptions } from "./preflight.js";
import type { RunStateType } from "../state.js";
import { sha256OfFile } from "../adapters/storage/body.js";
import {
  configChanges,
  describeChanges,
  restartStageFor,
  runConfigSnapshot,
  type RestartStage,
  type RunConfigSnapshot,
} from "./config-fingerprint.js";
import { MeasuredSqliteSaver, crashCheckpointNumber, type CheckpointStats } from "./measured-sqlite-saver.js";
import { ReplacingStorage } from "./replacing-storage.js";
import type { RunRecord } from "./run-registry.js";

const log = getLogger("run");

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

/** Options of `resumeRun`. */
export interface ResumeOptions extends ExecuteOptions {
  /**
   * Resume even though the source document or the configuration changed,
   * restarting from the first stage the change affects.
   */
  force?: boolean;
}

/** Outcome of a finished run. */
export interface RunOutcome {
  runId: string;
  state: RunStateType;
  elapsedSeconds: number;
  /** Checkpoint saves of this process, and the time they took. */
  checkpoints?: CheckpointStats;
  /** True when a resumed run had already completed, so nothing ran. */
  alreadyCompleted?: boolean;
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
  const checkpointer = MeasuredSqliteSaver.open(services.paths.checkpointsDb, crashCheckpointNumber(services.config.injectCrash));
  return { graph: buildDoc2VideoGraph().compile({ checkpointer }), checkpointer };
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

type CompiledRun = ReturnType<typeof compileGraph>;

async function execute(
  services: Services,
  runId: string,
  input: Partial<RunStateType> | null,
  options: ExecuteOptions,
  compiled: CompiledRun = compileGraph(services),
): Promise<RunOutcome> {
  const started = performance.now();
  const { graph, checkpointer } = compiled;
  const threadConfig = { configurable: { thread_id: runId } };
  const registry = services.registry;
  registry.markStaleNodesAborted(runId);
  // This process holds the lock, so a call still `started` belongs to a process that died.
  const lostCalls = services.callLedger.markInterrupted(runId);
  if (lostCalls > 0) log.warn({ runId, lostCalls }, "calls cut off by an earlier stop will be made again");

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
    // Every result is stored as an artifact now, so the replay archive and the
    // scratch copies used for encoding are no longer needed.
    await services.callArchive.removeRun(runId);
    await rm(services.paths.scratchDir(runId), { recursive: true, force: true });
    return { runId, state, elapsedSeconds: (performance.now() - started) / 1000, checkpoints: { ...checkpointer.stats } };
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
    await closeChunkIndexes(runId);
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
  checkRunOptions(services, runOptions);
  const runId = options.runId ?? newRunId(sourcePath);
  services.registry.create({
    runId,
    sourcePath: path.resolve(sourcePath),
    sourceSha256: document.sourceSha256,
    optionsJson: JSON.stringify(runOptions),
    configJson: JSON.stringify(runConfigSnapshot(services.config)),
  });
  options.onRunId?.(runId);
  return execute(services, runId, { runId, sourcePath: path.resolve(sourcePath), options: runOptions }, options);
}

/** Differences between a run's recorded inputs and the current ones. */
interface InputChanges {
  sourceSha256: string;
  sourceChanged: boolean;
  snapshot: RunConfigSnapshot;
  changes: ReturnType<typeof configChanges>;
}

async function inputChanges(services: Services, runId: string): Promise<InputChanges> {
  const run = services.registry.get(runId)!;
  const sourceSha256 = await sha256OfFile(run.sourcePath).catch(() => undefined);
  if (sourceSha256 === undefined) {
    throw new RunError(runId, `source document ${run.sourcePath} of run ${runId} is missing; restore it to resume`);
  }
  const snapshot = runConfigSnapshot(services.config);
  // Runs recorded before configuration snapshots existed have nothing to compare with.
  const recorded = run.configJson ? (JSON.parse(run.configJson) as RunConfigSnapshot) : snapshot;
  return {
    sourceSha256,
    sourceChanged: run.sourceSha256 !== "" && sourceSha256 !== run.sourceSha256,
    snapshot,
    changes: configChanges(recorded, snapshot),
  };
}

function rejectChanges(runId: string, sourcePath: string, found: InputChanges): void {
  const stage = restartStageFor(found.changes, found.sourceChanged);
  const restart = `pass --force to restart it from ${stage ?? "its last checkpoint"}`;
  if (found.sourceChanged) {
    throw new RunError(
      runId,
      `source document ${sourcePath} changed since run ${runId} started; ${restart}, ` +
        `or start a new run with \`pnpm agent run ${sourcePath}\``,
    );
  }
  if (found.changes.length > 0) {
    throw new RunError(
      runId,
      `configuration changed since run ${runId} started: ${describeChanges(found.changes)}; ` +
        `resume with the original settings, or ${restart}`,
    );
  }
}

/**
 * Points the run's thread at a state from which `stage` runs next.
 *
 * `ingestDocument` starts the thread over from the run's input. For later
 * stages the thread is forked at the checkpoint before the stage. The
 * stage's predecessor is recorded again, with an empty update, on top of the
 * checkpoint it produced. The new head then has the same state but none of
 * the writes the stage made, so LangGraph runs the stage afresh.
 * Returns the input to stream (`null` to continue the thread).
 */
async function restartAffectedStages(
  compiled: CompiledRun,
  run: RunRecord,
  stage: RestartStage,
): Promise<Partial<RunStateType> | null> {
  const runId = run.runId;
  const threadConfig = { configurable: { thread_id: runId } };
  const { graph, checkpointer } = compiled;
  const predecessor = stage === "indexChunks" ? "segmentChapters" : "indexChunks";
  if (stage !== "ingestDocument") {
    let before: Awaited<ReturnType<typeof graph.getState>> | undefined;
    for await (const snapshot of graph.getStateHistory(threadConfig)) {
      if (snapshot.next.includes(stage)) before = snapshot;
    }
    // The run never reached the stage, so nothing after it ran yet; a plain resume is enough.
    if (!before) return null;
    await graph.updateState(before.config, {}, predecessor);
    return null;
  }
  // NOTE: starting over drops the thread's checkpoint history, and objects of
  // chapters the edited document no longer has stay in storage, unreferenced.
  await checkpointer.deleteThread(runId);
  return { runId, sourcePath: run.sourcePath, options: JSON.parse(run.optionsJson) as RunOptions };
}

/**
 * Returns `null` (continue from the last checkpoint), or the run's input
 * when the process that started it died before LangGraph saved the first
 * checkpoint: a thread without checkpoints has nothing to continue from.
 */
async function resumeInput(compiled: CompiledRun, run: RunRecord): Promise<Partial<RunStateType> | null> {
  const snapshot = await compiled.graph.getState({ configurable: { thread_id: run.runId } });
  if (snapshot.config.configurable?.checkpoint_id !== undefined) return null;
  return { runId: run.runId, sourcePath: run.sourcePath, options: JSON.parse(run.optionsJson) as RunOptions };
}

/** Resumes a run from its last checkpoint; see the module comment for changed inputs and `force`. */
export async function resumeRun(runId: string, options: ResumeOptions): Promise<RunOutcome> {
  let services = options.services ?? createServices(options.config);
  const run = services.registry.get(runId);
  if (!run) {
    throw new RunError(runId, `run ${runId} not found in ${services.paths.checkpointsDb}; list runs with \`pnpm agent runs\``);
  }
  const found = await inputChanges(services, runId);
  const changed = found.sourceChanged || found.changes.length > 0;
  if (changed && !options.force) rejectChanges(runId, run.sourcePath, found);

  const compiled = compileGraph(services);
  // A completed run has nothing left to do. Taking the lock would mark it
  // running again, so a kill after completion must not leave it that way.
  if (!changed && run.status === "completed") {
    const state = (await compiled.graph.getState({ configurable: { thread_id: runId } })).values as RunStateType;
    return { runId, state, elapsedSeconds: 0, alreadyCompleted: true };
  }
  services.registry.acquireLock(runId);
  if (!changed) return execute(services, runId, await resumeInput(compiled, run), options, compiled);

  const stage = restartStageFor(found.changes, found.sourceChanged) ?? "ingestDocument";
  log.warn({ runId, stage, changes: found.changes, sourceChanged: found.sourceChanged }, "inputs changed; restarting affected stages");
  let input: Partial<RunStateType> | null;
  try {
    input = await restartAffectedStages(compiled, run, stage);
  } catch (error) {
    services.registry.releaseLock(runId);
    throw error;
  }
  services.registry.updateInputs(runId, found.sourceSha256, run.optionsJson, JSON.stringify(found.snapshot));
  services = { ...services, storage: new ReplacingStorage(services.storage, runId) };
  return execute(services, runId, input, options, compiled);
}
