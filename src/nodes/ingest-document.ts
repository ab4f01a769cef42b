/** ingestDocument: reads the source file, archives it and its normalised text. */
import path from "node:path";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { artifactKey, keySegment } from "../adapters/storage/keys.js";
import { readDocument } from "../document/read-document.js";
import { servicesFrom } from "../services.js";
import type { RunStateType, RunStateUpdate } from "../state.js";
import { storeArtifact } from "./store-artifact.js";
import { trackNode } from "./track-node.js";

/** Reads `state.sourcePath`, stores the original and the normalised text, and records the document. */
export async function ingestDocument(
  state: RunStateType,
  config: LangGraphRunnableConfig,
): Promise<RunStateUpdate> {
  const services = servicesFrom(config);
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
