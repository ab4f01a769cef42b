/** segmentChapters: finds the chapters of the ingested document. */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { artifactKey } from "../adapters/storage/keys.js";
import { findChapters } from "../document/find-chapters.js";
import { Doc2VideoError } from "../errors.js";
import { servicesFrom } from "../services.js";
import type { RunStateType, RunStateUpdate } from "../state.js";
import { loadDocumentText } from "./document-text.js";
import { storeArtifact } from "./store-artifact.js";
import { trackNode } from "./track-node.js";

/** Splits the document into chapters and archives the chapter list. */
export async function segmentChapters(
  state: RunStateType,
  config: LangGraphRunnableConfig,
): Promise<RunStateUpdate> {
  const services = servicesFrom(config);
  const document = state.document;
  if (!document) throw new Doc2VideoError("segmentChapters ran before ingestDocument stored the document");
  return trackNode(services, state.runId, "segmentChapters", undefined, async () => {
    const text = await loadDocumentText(services, document);
    const chapters = findChapters(text, document.format);
    if (chapters.length === 0) {
      throw new Doc2VideoError(`${document.sourcePath}: no chapter with text was found; check that the document is not empty`);
    }
    await storeArtifact(services, {
      runId: state.runId,
      key: artifactKey({ runId: state.runId, stage: "chapters", file: "chapters.json" }),
      body: JSON.stringify(chapters, null, 2),
      node: "segmentChapters",
      signal: config.signal,
    });
    return { chapters };
  });
}
