import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";

describe("read-only commands on a missing workspace", () => {
  const missing = path.join(mkdtempSync(path.join(os.tmpdir(), "doc2video-missing-")), "typo");

  it("show names the missing workspace", async () => {
    const result = await runCli(["--workspace", missing, "show", "some-run"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`workspace ${missing} does not exist`);
    expect(existsSync(missing)).toBe(false);
  });

  it("runs lists nothing without creating it", async () => {
    const result = await runCli(["--workspace", missing, "runs", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
    expect(existsSync(missing)).toBe(false);
  });

  it("resume names the missing workspace", async () => {
    const result = await runCli(["--workspace", missing, "--thread", "some-run"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`workspace ${missing} does not exist`);
    expect(existsSync(missing)).toBe(false);
  });
});
