/**
 * The services a run's nodes use: storage, run registry, speech, slides,
 * script writers and the chapter concurrency limit.
 *
 * The CLI and tests pass them in the invoke `context`. A node that finds
 * none there (LangGraph Studio, `langgraph dev`) builds them from the
 * environment, once per process.
 */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { loadConfig, type AppConfig } from "./config.js";
import { getStorageAdapter } from "./adapters/storage/index.js";
import type { StorageAdapter } from "./adapters/storage/storage-adapter.js";
import type { TtsAdapter } from "./adapters/tts/tts-adapter.js";
import { EspeakTtsAdapter } from "./adapters/tts/espeak.js";
import type { SlideRenderer } from "./adapters/images/slide-renderer.js";
import { CanvasSlideRenderer } from "./adapters/images/canvas-slides.js";
import path from "node:path";
import { ArtifactLedger } from "./runs/artifact-ledger.js";
import { ArchivedSlideRenderer } from "./runs/archived-slides.js";
import { ArchivedTtsAdapter } from "./runs/archived-speech.js";
import { CallLedger } from "./runs/call-ledger.js";
import { CallRecordObserver } from "./runs/call-record-observer.js";
import { LocalCallArchive } from "./runs/local-call-archive.js";
import { ConcurrencyLimit } from "./runs/concurrency-limit.js";
import { RunRegistry } from "./runs/run-registry.js";
import { workspacePaths, type WorkspacePaths } from "./workspace.js";

/** Everything a node needs besides its input. */
export interface Services {
  config: AppConfig;
  paths: WorkspacePaths;
  storage: StorageAdapter;
  registry: RunRegistry;
  /** Every artifact a run stored: key, URL, hash, size, node and chapter. */
  ledger: ArtifactLedger;
  tts: TtsAdapter;
  slides: SlideRenderer;
  /** Bounds how many chapters run a heavy stage at once. */
  chapterLimit: ConcurrencyLimit;
  /** Every provider call a run made, archived or replayed (speech, slides, model and writer calls). */
  callLedger: CallLedger;
  /** Speech and slide results by call hash, replayed on resume instead of calling the provider again. */
  callArchive: LocalCallArchive;
}

/** The invoke `context` that the CLI and tests pass. */
export interface Doc2VideoContext {
  services?: Services;
}

/** Builds services from a configuration. */
export function createServices(config: AppConfig): Services {
  const paths = workspacePaths(config.workspace);
  const callLedger = new CallLedger(paths.checkpointsDb);
  const callArchive = new LocalCallArchive(path.join(paths.root, "call-archive"));
  return {
    config,
    paths,
    // The wrappers below fill the call ledger; each forwards to the real backend.
    storage: new CallRecordObserver(getStorageAdapter(config), callLedger),
    registry: new RunRegistry(paths.checkpointsDb),
    ledger: new ArtifactLedger(paths.checkpointsDb),
    tts: new ArchivedTtsAdapter(new EspeakTtsAdapter({ binaryPath: config.binaries.espeak }), callArchive, callLedger),
    slides: new ArchivedSlideRenderer(new CanvasSlideRenderer(), callArchive, callLedger),
    chapterLimit: new ConcurrencyLimit(config.runDefaults.concurrency),
    callLedger,
    callArchive,
  };
}

let fallback: Services | undefined;

/** Returns the services of the current invocation, or the process-wide defaults. */
export function servicesFrom(config: LangGraphRunnableConfig): Services {
  const fromContext = (config.context as Doc2VideoContext | undefined)?.services;
  if (fromContext) return fromContext;
  fallback ??= createServices(loadConfig());
  return fallback;
}
