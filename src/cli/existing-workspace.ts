/**
 * Read-only commands (`show`, `artifacts`, `search`, resuming) must not
 * create a workspace: a mistyped `--workspace` would otherwise leave an empty
 * one behind and report "run not found" instead of the real mistake.
 */
import { existsSync } from "node:fs";
import type { AppConfig } from "../config.js";
import { ConfigError } from "../errors.js";

/** Returns true when the configured workspace folder exists. */
export function workspaceExists(config: AppConfig): boolean {
  return existsSync(config.workspace);
}

/** Throws `ConfigError` unless the configured workspace folder exists. */
export function requireExistingWorkspace(config: AppConfig): void {
  if (!workspaceExists(config)) {
    throw new ConfigError(
      `workspace ${config.workspace} does not exist; pass --workspace (or set DOC2VIDEO_WORKSPACE) to the folder your runs are in`,
    );
  }
}
