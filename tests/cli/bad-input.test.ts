import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";

const folder = mkdtempSync(path.join(os.tmpdir(), "doc2video-bad-input-"));
const workspace = path.join(folder, "workspace");

function file(name: string, content: string | Buffer): string {
  const filePath = path.join(folder, name);
  writeFileSync(filePath, content);
  return filePath;
}

describe("run on bad input", () => {
  const cases: { name: string; input: () => string; message: string }[] = [
    { name: "a missing file", input: () => path.join(folder, "missing.md"), message: "file not found" },
    { name: "an empty file", input: () => file("empty.md", ""), message: "file is empty" },
    { name: "a whitespace-only file", input: () => file("blank.txt", " \n\t\n"), message: "contains only whitespace" },
    {
      name: "a binary file",
      input: () => file("random.md", Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))),
      message: "looks binary",
    },
    {
      name: "a directory",
      input: () => {
        const directory = path.join(folder, "a-folder.md");
        mkdirSync(directory, { recursive: true });
        return directory;
      },
      message: "is a directory",
    },
  ];

  for (const testCase of cases) {
    it(`reports ${testCase.name} in one line`, async () => {
      const input = testCase.input();
      const result = await runCli(["--workspace", workspace, "run", input]);
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(input);
      expect(lines[0]).toContain(testCase.message);
      expect(result.stdout).toBe("");
    });
  }
});
