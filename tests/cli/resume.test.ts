import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { RunRegistry } from "../../src/runs/run-registry.js";
import { runCli, runIdFrom } from "../helpers/run-cli.js";
import { writeSampleDocument } from "../helpers/sample-document.js";

const SHORT = ["--target-seconds", "6", "--min-seconds", "3", "--max-seconds", "10", "--fps", "2"];

describe("resume with --thread", () => {
  it("finishes a run whose composeVideo failed without redoing finished stages", async () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), "doc2video-resume-"));
    const document = writeSampleDocument();

    const failed = await runCli(["--workspace", workspace, "run", document, ...SHORT], {
      DOC2VIDEO_INJECT_FAILURE: "composeVideo:1",
    });
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain("injected failure in composeVideo (chapter 2)");
    const runId = runIdFrom(failed);

    const registry = new RunRegistry(path.join(workspace, "checkpoints.sqlite"));
    try {
      const afterFailure = registry.get(runId);
      expect(afterFailure?.status).toBe("failed");
      expect(afterFailure?.failedNode).toBe("composeVideo");
      expect(afterFailure?.failedChapter).toBe(1);

      const resumed = await runCli(["--workspace", workspace, "--thread", runId]);
      expect(resumed.stderr).not.toContain("doc2video:");
      expect(resumed.code).toBe(0);
      expect(resumed.stdout).toContain(`run ${runId} completed`);
      expect(registry.get(runId)?.status).toBe("completed");

      const runs = registry.nodeRuns(runId);
      const finished = (node: string, chapter?: number) =>
        runs.filter((run) => run.node === node && run.status === "done" && (chapter === undefined || run.chapterIndex === chapter)).length;
      const started = (node: string) => runs.filter((run) => run.node === node).length;

      // Stages that finished before the failure ran exactly once in all.
      for (const node of ["ingestDocument", "segmentChapters", "indexChunks"]) {
        expect(started(node), node).toBe(1);
      }
      for (const node of ["writeScript", "narrateScenes", "renderSlides"]) {
        for (const chapter of [0, 1, 2]) expect(finished(node, chapter), `${node} chapter ${chapter}`).toBe(1);
        expect(started(node), node).toBe(3);
      }
      for (const chapter of [0, 1, 2]) expect(finished("composeVideo", chapter), `composeVideo ${chapter}`).toBe(1);
      expect(runs.filter((run) => run.node === "composeVideo" && run.status === "failed").length).toBe(1);
      expect(finished("composeFullVideo")).toBe(1);
      expect(finished("publishRun")).toBe(1);
    } finally {
      registry.close();
    }
  });

  it("rejects an unknown run id", async () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), "doc2video-resume-"));
    const result = await runCli(["--workspace", workspace, "--thread", "no-such-run"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("run no-such-run not found");
  });
});
