import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig, type AppConfig, type RunOptions } from "../../src/config.js";

/** Run options that keep media short so end-to-end tests finish quickly. */
export const SHORT_RUN: Partial<RunOptions> = {
  targetNarrationSeconds: 8,
  minNarrationSeconds: 4,
  maxNarrationSeconds: 12,
  width: 640,
  height: 360,
  fps: 2,
};

/** Configuration for a test: a fresh workspace and no influence from the host environment. */
export function testConfig(run: Partial<RunOptions> = SHORT_RUN, env: Record<string, string> = {}): AppConfig {
  const workspace = mkdtempSync(path.join(os.tmpdir(), "doc2video-ws-"));
  return loadConfig({ workspace, logLevel: "silent", run }, env);
}
