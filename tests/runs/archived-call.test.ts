import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { SlideRenderer, SlideSpec } from "../../src/adapters/images/slide-renderer.js";
import { ArchivedSlideRenderer } from "../../src/runs/archived-slides.js";
import { CallLedger } from "../../src/runs/call-ledger.js";
import { LocalCallArchive } from "../../src/runs/local-call-archive.js";
import { runInNode } from "../../src/runs/node-context.js";

/** A renderer that writes its spec as the "image" and counts its calls. */
class CountingRenderer implements SlideRenderer {
  readonly provider = "counting";
  calls = 0;

  async render(spec: SlideSpec, outputPath: string): Promise<void> {
    this.calls += 1;
    writeFileSync(outputPath, JSON.stringify(spec));
  }
}

const spec: SlideSpec = {
  documentTitle: "Harbour Notes",
  chapterTitle: "Tides",
  chapterNumber: 1,
  chapterCount: 5,
  sceneNumber: 1,
  sceneCount: 2,
  sceneTitle: "The moon",
  keyPoints: ["The moon pulls the sea"],
  language: "en",
  width: 640,
  height: 360,
};

const ledgers: CallLedger[] = [];

function setUp() {
  const folder = mkdtempSync(path.join(os.tmpdir(), "doc2video-archived-call-"));
  const ledger = new CallLedger(path.join(folder, "runs.sqlite"));
  ledgers.push(ledger);
  const inner = new CountingRenderer();
  const renderer = new ArchivedSlideRenderer(inner, new LocalCallArchive(path.join(folder, "archive")), ledger);
  const inNode = <T>(body: () => Promise<T>) => runInNode({ runId: "r1", node: "renderSlides", chapterIndex: 0, nodeRunId: 1 }, body);
  return { folder, ledger, inner, renderer, inNode };
}

afterEach(() => {
  for (const ledger of ledgers.splice(0)) ledger.close();
});

describe("calls through the archive", () => {
  it("replays an archived slide instead of rendering it again", async () => {
    const { folder, ledger, inner, renderer, inNode } = setUp();
    await inNode(() => renderer.render(spec, path.join(folder, "first.png")));
    await inNode(() => renderer.render(spec, path.join(folder, "second.png")));
    expect(inner.calls).toBe(1);
    expect(readFileSync(path.join(folder, "second.png"), "utf8")).toBe(JSON.stringify(spec));
    expect(ledger.list("r1").map((row) => row.status)).toEqual(["archived", "replayed"]);
  });

  it("renders again when the archived file was damaged", async () => {
    const { folder, inner, renderer, inNode, ledger } = setUp();
    await inNode(() => renderer.render(spec, path.join(folder, "first.png")));
    const [row] = ledger.list("r1");
    const archivedImage = row!.archiveKey!.replace(/\.json$/, ".png");
    writeFileSync(archivedImage, "damaged");
    await inNode(() => renderer.render(spec, path.join(folder, "second.png")));
    expect(inner.calls).toBe(2);
  });

  it("calls the provider directly outside a node", async () => {
    const { folder, ledger, inner, renderer } = setUp();
    await renderer.render(spec, path.join(folder, "plain.png"));
    await renderer.render(spec, path.join(folder, "plain.png"));
    expect(inner.calls).toBe(2);
    expect(ledger.list("r1")).toEqual([]);
  });
});

describe("LocalCallArchive", () => {
  it("stores one hash from parallel writers", async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "doc2video-archive-race-"));
    const archive = new LocalCallArchive(path.join(folder, "archive"));
    const source = path.join(folder, "speech.wav");
    writeFileSync(source, Buffer.alloc(256 * 1024, 7));
    const writes = Array.from({ length: 8 }, () => archive.store("run-1", "abc123", { seconds: 1.5 }, source));
    await expect(Promise.all(writes)).resolves.toHaveLength(8);
    const found = await archive.find<{ seconds: number }>("run-1", "abc123");
    expect(found?.result).toEqual({ seconds: 1.5 });
    expect(found?.filePath).toBeDefined();
    expect(readFileSync(found!.filePath!)).toEqual(readFileSync(source));
  });
});
