/**
 * Wraps each node body: records the execution in the run registry (for time
 * accounting and resume checks), makes it the current node execution for the
 * provider wrappers that fill the call ledger, applies test failure
 * injection, and logs.
 */
import { Doc2VideoError, isAbortError } from "../errors.js";
import { getLogger } from "../logger.js";
import { runInNode } from "../runs/node-context.js";
import type { Services } from "../services.js";

const log = getLogger("node");

/** Raised on purpose by `DOC2VIDEO_INJECT_FAILURE`, to test resume. */
export class InjectedFailureError extends Doc2VideoError {
  constructor(node: string, chapterIndex?: number) {
    super(
      `injected failure in ${node}${chapterIndex === undefined ? "" : ` (chapter ${chapterIndex + 1})`}; ` +
        "unset DOC2VIDEO_INJECT_FAILURE and resume the run",
    );
    this.name = "InjectedFailureError";
  }
}

function shouldInjectFailure(spec: string | undefined, node: string, chapterIndex?: number): boolean {
  if (!spec) return false;
  const [targetNode, targetChapter] = spec.split(":");
  if (targetNode !== node) return false;
  return targetChapter === undefined || Number(targetChapter) === chapterIndex;
}

/** Runs `body` as one recorded execution of `node` for `runId` (and a chapter, for per-chapter nodes). */
export async function trackNode<T>(
  services: Services,
  runId: string,
  node: string,
  chapterIndex: number | undefined,
  body: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  const id = services.registry.startNode(runId, node, chapterIndex);
  log.debug({ runId, node, chapterIndex }, "node started");
  try {
    if (shouldInjectFailure(services.config.injectFailure, node, chapterIndex)) {
      throw new InjectedFailureError(node, chapterIndex);
    }
    const result = await runInNode({ runId, node, chapterIndex, nodeRunId: id }, body);
    services.registry.finishNode(id, "done", performance.now() - started);
    log.debug({ runId, node, chapterIndex }, "node finished");
    return result;
  } catch (error) {
    const aborted = isAbortError(error);
    services.registry.finishNode(id, aborted ? "aborted" : "failed", performance.now() - started, String(error));
    if (!aborted) log.error({ runId, node, chapterIndex, err: error }, "node failed");
    throw error;
  }
}
