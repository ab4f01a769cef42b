/** ingestDocument: reads the source file, archives it and its normalised text. */
import path from "node:path";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { artifactKey, keySegment } from "../adapters/storage/keys.js";
import { RunOptionsSchema, type RunOptions } from "../config.js";
import { readDocument } from "../document/read-document.js";
import { ConfigError, Doc2VideoError } from "../errors.js";
import { servicesFrom } from "../services.js";
import type { RunStateType, RunStateUpdate } from "../state.js";
import { storeArtifact } from "./store-artifact.js";
import { trackNode } from "./track-node.js";

/**
 * Fills in what a caller may leave out: LangGraph Studio and `langgraph dev`
 * start runs with only `sourcePath`, so the run id defaults to the thread id
 * and missing options to the configured defaults.
 */
function completeInput(state: RunStateType, config: LangGraphRunnableConfig, defaults: RunOptions) {
  const runId = state.runId || String(config.configurable?.thread_id ?? "");
  if (!runId) throw new Doc2VideoError("the run has no runId and no thread_id; pass one of them");
  if (!state.sourcePath) throw new Doc2VideoError(`run ${runId} has no sourcePath; pass the path of the document to convert`);
  const options = RunOptionsSchema.safeParse({ ...defaults, ...state.options });
  if (!options.success) throw new ConfigError(`invalid options for run ${runId}: ${options.error.message}`);
  return { runId, options: options.data };
}

/** Reads `state.sourcePath`, stores the original and the normalised text, and records the document. */
export async function ingestDocument(
  input: RunStateType,
  config: LangGraphRunnableConfig,
): Promise<RunStateUpdate> {
  const services = servicesFrom(config);
  const { runId, options } = completeInput(input, config, services.config.runDefaults);
  const state = { ...input, runId, options };
  return trackNode(services, state.runId, "ingestDocument", undefined, async () => {
    const result = await readDocument(state.sourcePath);
    const sourceName = keySegment(path.basename(state.sourcePath), 120);
    const source = await storeArtifact(services, {
      runId: state.runId,
      key: artifactKey({ runId: state.runId, stage: "source", file: sourceName }),
      body: { path: state.sourcePath },
      node: "ingestDocument",
      signal: config.signal,
    });
    const text = await storeArtifact(services, {
      runId: state.runId,
      key: artifactKey({ runId: state.runId, stage: "source", file: "normalized.txt" }),
      body: result.text,
      node: "ingestDocument",
      signal: config.signal,
    });
    return {
      runId,
      options,
      document: {
        id: text.sha256,
        title: result.title,
        sourcePath: path.resolve(state.sourcePath),
        format: result.format,
        encoding: result.encoding,
        language: result.language,
        chars: result.text.length,
        sourceSha256: source.sha256,
        sourceKey: source.key,
        sourceUrl: source.url,
        textKey: text.key,
      },
    };
  });
}
