/** indexChunks: embeds every chunk of the document into the vector store. */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { artifactKey } from "../adapters/storage/keys.js";
import { splitChunks } from "../document/split-chunks.js";
import { Doc2VideoError } from "../errors.js";
import { indexDocumentChunks } from "../indexing/index-document-chunks.js";
import { servicesFrom } from "../services.js";
import type { RunStateType, RunStateUpdate } from "../state.js";
import { chunkIndexFor } from "./chunk-index.js";
import { loadDocumentText } from "./document-text.js";
import { storeArtifact } from "./store-artifact.js";
import { trackNode } from "./track-node.js";

/**
 * Splits the chapters into chunks and indexes them. Indexing goes through
 * LangChain's record manager, so a repeated run of this node embeds nothing new.
 */
export async function indexChunks(state: RunStateType, config: LangGraphRunnableConfig): Promise<RunStateUpdate> {
  const services = servicesFrom(config);
  const document = state.document;
  if (!document) throw new Doc2VideoError("indexChunks ran before ingestDocument stored the document");
  return trackNode(services, state.runId, "indexChunks", undefined, async () => {
    const text = await loadDocumentText(services, document);
    const chunks = await splitChunks(text, state.chapters, {
      chunkSize: state.options.chunkSize,
      chunkOverlap: state.options.chunkOverlap,
    });
    const index = await chunkIndexFor(services, state.runId, state.options);
    const result = await indexDocumentChunks({
      runId: state.runId,
      documentId: document.id,
      chunks,
      store: index.store,
      recordManager: index.recordManager,
      collection: index.collection,
    });
    await storeArtifact(services, {
      runId: state.runId,
      key: artifactKey({ runId: state.runId, stage: "index", file: "chunks.json" }),
      body: JSON.stringify(
        chunks.map(({ text: _text, ...chunk }) => chunk),
        null,
        2,
      ),
      node: "indexChunks",
      signal: config.signal,
    });
    return {
      index: {
        collection: result.collection,
        chunkCount: chunks.length,
        added: result.numAdded,
        updated: result.numUpdated,
        skipped: result.numSkipped,
        deleted: result.numDeleted,
      },
    };
  });
}
