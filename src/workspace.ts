/**
 * Paths of local state under the workspace folder: checkpoints, the run
 * registry, the local vector store, scratch files for media work and the
 * default local storage root.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { ConfigError } from "./errors.js";

/** Local paths derived from one workspace root. */
export interface WorkspacePaths {
  root: string;
  /** SQLite database with LangGraph checkpoints and the run registry. */
  checkpointsDb: string;
  /** Folder of the embedded vector store and its record manager. */
  vectorsDir: string;
  /** Scratch folder of one run; media files are built here before upload. */
  scratchDir(runId: string): string;
}

/** Returns the workspace layout under `root`, creating the root if needed. */
export function workspacePaths(root: string): WorkspacePaths {
  try {
    mkdirSync(root, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "EEXIST" || code === "ENOTDIR" ? "a file is in the way" : (error as Error).message;
    throw new ConfigError(
      `workspace ${root} cannot be created (${reason}); pass --workspace or set DOC2VIDEO_WORKSPACE to a writable folder`,
      { cause: error },
    );
  }
  return {
    root,
    checkpointsDb: path.join(root, "checkpoints.sqlite"),
    vectorsDir: path.join(root, "vectors"),
    scratchDir: (runId: string) => path.join(root, "scratch", runId),
  };
}
