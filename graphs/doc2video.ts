/**
 * The doc2video graph.
 *
 *   START
 *     -> ingestDocument -> segmentChapters -> indexChunks
 *     -> (Send, one task per chapter)
 *          writeScript -> narrateScenes -> renderSlides -> composeVideo
 *     -> composeFullVideo (deferred: runs once every chapter has finished)
 *     -> publishRun -> END
 *
 * Per-chapter nodes hand the chapter on with `Command({ goto: Send(...) })`,
 * so each chapter's stage is its own task with its own checkpointed writes.
 * This module exports the builder and a graph compiled without a
 * checkpointer (`langgraph dev` supplies its own); the CLI and tests compile
 * the builder with SqliteSaver.
 */
import { END, START, StateGraph, type RetryPolicy } from "@langchain/langgraph";
import { Doc2VideoError } from "../src/errors.js";
import { composeFullVideo } from "../src/nodes/compose-full-video.js";
import { composeVideo } from "../src/nodes/compose-video.js";
import { indexChunks } from "../src/nodes/index-chunks.js";
import { ingestDocument } from "../src/nodes/ingest-document.js";
import { narrateScenes } from "../src/nodes/narrate-scenes.js";
import { publishRun } from "../src/nodes/publish-run.js";
import { renderSlides } from "../src/nodes/render-slides.js";
import { routeAfterIndexChunks } from "../src/nodes/route-chapters.js";
import { segmentChapters } from "../src/nodes/segment-chapters.js";
import { writeScript } from "../src/nodes/write-script.js";
import { RunState } from "../src/state.js";

/**
 * Retries transient failures (network, 5xx, timeouts). Our own errors are
 * deterministic (bad input, invalid script, injected failures), so
 * retrying them would only repeat the failure.
 */
const transientRetry: RetryPolicy = {
  maxAttempts: 3,
  initialInterval: 500,
  backoffFactor: 2,
  jitter: true,
  retryOn: (error: unknown) => {
    if (error instanceof Doc2VideoError) return "retryable" in error && error.retryable === true;
    const code = (error as { code?: string }).code;
    return code === "ECONNRESET" || code === "ETIMEDOUT" || code === "ECONNREFUSED" || code === "EPIPE";
  },
};

/** Returns the uncompiled graph, so callers choose the checkpointer. */
export function buildDoc2VideoGraph() {
  return new StateGraph(RunState)
    .addNode("ingestDocument", ingestDocument)
    .addNode("segmentChapters", segmentChapters)
    .addNode("indexChunks", indexChunks, { retryPolicy: transientRetry })
    .addNode("writeScript", writeScript as never, { ends: ["narrateScenes"], retryPolicy: transientRetry })
    .addNode("narrateScenes", narrateScenes as never, { ends: ["renderSlides"], retryPolicy: transientRetry })
    .addNode("renderSlides", renderSlides as never, { ends: ["composeVideo"], retryPolicy: transientRetry })
    .addNode("composeVideo", composeVideo as never, { retryPolicy: transientRetry })
    .addNode("composeFullVideo", composeFullVideo, { defer: true, retryPolicy: transientRetry })
    .addNode("publishRun", publishRun, { retryPolicy: transientRetry })
    .addEdge(START, "ingestDocument")
    .addEdge("ingestDocument", "segmentChapters")
    .addEdge("segmentChapters", "indexChunks")
    .addConditionalEdges("indexChunks", routeAfterIndexChunks, ["writeScript", END])
    .addEdge("composeVideo", "composeFullVideo")
    .addEdge("composeFullVideo", "publishRun")
    .addEdge("publishRun", END);
}

/** The graph for LangGraph Studio and `langgraph dev`, compiled without a checkpointer. */
export const graph = buildDoc2VideoGraph().compile();
graph.name = "doc2video";
