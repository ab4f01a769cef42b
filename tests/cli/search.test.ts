import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Command } from "commander";
import { loadConfig } from "../../src/config.js";
import { registerSearchCommand } from "../../src/cli/search.js";
import { openChunkIndex } from "../../src/indexing/open-chunk-index.js";
import { indexDocumentChunks } from "../../src/indexing/index-document-chunks.js";
import { InvalidSearchError, RunNotIndexedError } from "../../src/indexing/indexing-errors.js";
import { loadSmallDocument, sentenceFromChapter } from "../indexing/fixtures/small-document.js";

const workspace = mkdtempSync(path.join(os.tmpdir(), "doc2video-search-cli-"));
const document = loadSmallDocument(3);

beforeAll(async () => {
  const index = await openChunkIndex({ config: loadConfig({ workspace }, {}) });
  await indexDocumentChunks({ runId: "run-cli", documentId: "doc-cli", chunks: document.chunks, ...index });
  await index.close();
});

afterAll(() => rmSync(workspace, { recursive: true, force: true }));

afterEach(() => {
  vi.restoreAllMocks();
});

async function runSearch(args: string[]): Promise<string> {
  const written: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  const program = new Command().exitOverride();
  registerSearchCommand(program);
  await program.parseAsync(["node", "doc2video", "search", ...args, "--workspace", workspace]);
  return written.join("");
}

describe("search command", () => {
  it("prints chapter, score, offsets and snippet", async () => {
    const query = sentenceFromChapter(document, 1);
    const output = await runSearch([query, "-k", "2"]);
    const lines = output.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^1\. chapter 2 "Chapter 2\. The Curse of the Baskervilles" {2}score 0\.\d{3} {2}chars \d+-\d+ {2}run run-cli$/);
    expect(lines[1]?.startsWith("   ")).toBe(true);
  });

  it("prints JSON hits for one run", async () => {
    const output = JSON.parse(await runSearch(["Sherlock Holmes", "--run", "run-cli", "-k", "3", "--json"])) as {
      k: number;
      runId: string;
      hits: { chapterIndex: number; start: number; end: number; score: number; runId: string }[];
    };
    expect(output.k).toBe(3);
    expect(output.runId).toBe("run-cli");
    expect(output.hits).toHaveLength(3);
    expect(output.hits.every((hit) => hit.runId === "run-cli")).toBe(true);
    expect(output.hits[0]?.end).toBeGreaterThan(output.hits[0]?.start ?? Infinity);
  });

  it("rejects k of 0 before opening the index", async () => {
    await expect(runSearch(["moor", "-k", "0"])).rejects.toThrow(InvalidSearchError);
  });

  it("rejects a k that is not a number", async () => {
    await expect(runSearch(["moor", "-k", "five"])).rejects.toThrow('invalid -k "five"; expected a whole number from 1 to 100');
  });

  it("reports a run that was never indexed", async () => {
    await expect(runSearch(["moor", "--run", "missing"])).rejects.toThrow(RunNotIndexedError);
  });
});
