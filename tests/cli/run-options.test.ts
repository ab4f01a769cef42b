import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { RunRegistry } from "../../src/runs/run-registry.js";
import { runCli } from "../helpers/run-cli.js";
import { writeSampleDocument } from "../helpers/sample-document.js";

describe("run with invalid options", () => {
  const document = writeSampleDocument();

  const cases: { name: string; args: string[]; env?: Record<string, string>; message: string }[] = [
    { name: "unknown voice", args: ["--voice", "no-such-voice"], message: "voice \"no-such-voice\" does not work" },
    { name: "frame rate above 60", args: ["--fps", "100"], message: "fps" },
    { name: "fractional concurrency", args: ["--concurrency", "1.5"], message: "expected a whole number above 0" },
    {
      name: "model writer without key",
      args: [],
      env: { SCRIPT_WRITER: "openai", OPENAI_API_KEY: "" },
      message: "OPENAI_API_KEY is not set",
    },
  ];

  for (const testCase of cases) {
    it(`rejects ${testCase.name} before registering a run`, async () => {
      const workspace = mkdtempSync(path.join(os.tmpdir(), "doc2video-options-"));
      const result = await runCli(["--workspace", workspace, "run", document, ...testCase.args], testCase.env);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(testCase.message);
      expect(result.stderr).not.toContain("    at ");
      const registry = new RunRegistry(path.join(workspace, "checkpoints.sqlite"));
      expect(registry.list()).toEqual([]);
      registry.close();
    });
  }
});
