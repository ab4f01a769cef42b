import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/errors.js";
import { workspacePaths } from "../src/workspace.js";

describe("workspacePaths", () => {
  it("creates a missing workspace folder", () => {
    const root = path.join(mkdtempSync(path.join(os.tmpdir(), "doc2video-workspace-")), "nested", "ws");
    expect(workspacePaths(root).checkpointsDb).toBe(path.join(root, "checkpoints.sqlite"));
  });

  it("rejects a workspace path that is a file", () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "doc2video-workspace-")), "a-file");
    writeFileSync(file, "not a folder");
    expect(() => workspacePaths(file)).toThrow(ConfigError);
    expect(() => workspacePaths(file)).toThrow(`workspace ${file} cannot be created (a file is in the way)`);
  });
});
