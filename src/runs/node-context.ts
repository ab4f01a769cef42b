/**
 * The node execution a piece of code runs in: run id, node, chapter and the
 * node-run row of the registry. `trackNode` sets it around every node body,
 * so provider wrappers (speech, slides, the call-record observer) can file a
 * call under its node and chapter without the node passing anything down.
 */
import { AsyncLocalStorage } from "node:async_hooks";

/** One node execution, as recorded in the run registry. */
export interface NodeExecution {
  runId: string;
  node: string;
  /** Zero-based chapter index; omitted for run-level nodes. */
  chapterIndex?: number;
  /** Id of the execution's row in `doc2video_node_runs`. */
  nodeRunId: number;
}

const storage = new AsyncLocalStorage<NodeExecution>();

/** Runs `body` with `execution` as the current node execution. */
export function runInNode<T>(execution: NodeExecution, body: () => Promise<T>): Promise<T> {
  return storage.run(execution, body);
}

/** Returns the node execution the caller runs in, or `undefined` outside any node. */
export function currentNode(): NodeExecution | undefined {
  return storage.getStore();
}
