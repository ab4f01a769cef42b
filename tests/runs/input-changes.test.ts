import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { setLogLevel } from "../../src/logger.js";
import { resumeRun, startRun } from "../../src/runs/run-executor.js";
import { createServices, type Services } from "../../src/services.js";
import { writeSampleDocument } from "../helpers/sample-document.js";
import { SHORT_RUN } from "../helpers/test-config.js";

/** Services for `workspace` built from `env`, as a new process would build them. */
function servicesFor(workspace: string, env: Record<string, string> = {}): Services {
  return createServices(loadConfig({ workspace, logLevel: "silent", run: SHORT_RUN }, env));
}

/** Starts a run whose third chapter fails in composeVideo, and returns its id. */
async function startFailingRun(workspace: string, document: string): Promise<string> {
  const services = servicesFor(workspace, { DOC2VIDEO_INJECT_FAILURE: "composeVideo:2" });
  let runId = "";
  await expect(
    startRun(document, services.config.runDefaults, { config: services.config, services, onRunId: (id) => (runId = id) }),
  ).rejects.toThrow("injected failure in composeVideo (chapter 3)");
  return runId;
}

function speechCallsByChapter(services: Services, runId: string): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const call of services.callLedger.list(runId)) {
    if (call.kind !== "speech" || call.status !== "archived") continue;
    counts[call.chapterIndex!] = (counts[call.chapterIndex!] ?? 0) + 1;
  }
  return counts;
}

describe("resume after the inputs changed", () => {
  // The injected failures and forced replacements are expected; their log lines would only be noise.
  beforeAll(() => setLogLevel("silent"));

  it("rejects a changed storage root and restarts in the new one with --force", async () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), "doc2video-config-change-"));
    const runId = await startFailingRun(workspace, writeSampleDocument());
    const otherRoot = mkdtempSync(path.join(os.tmpdir(), "doc2video-other-root-"));
    const moved = servicesFor(workspace, { STORAGE_LOCAL_ROOT: otherRoot });

    await expect(resumeRun(runId, { config: moved.config, services: moved })).rejects.toThrow(
      `configuration changed since run ${runId} started: storage.localRoot "${path.join(workspace, "storage")}" -> "${otherRoot}"`,
    );
    expect(moved.registry.get(runId)?.lockPid).toBeNull();

    const outcome = await resumeRun(runId, { config: moved.config, services: moved, force: true });
    const manifestPath = fileURLToPath(outcome.state.manifest!.url);
    expect(manifestPath.startsWith(otherRoot)).toBe(true);
    expect(existsSync(manifestPath)).toBe(true);
    expect(moved.registry.get(runId)?.status).toBe("completed");

    const again = servicesFor(workspace, { STORAGE_LOCAL_ROOT: otherRoot });
    const resumed = await resumeRun(runId, { config: again.config, services: again });
    expect(resumed.state.manifest?.url).toBe(outcome.state.manifest?.url);
  });

  it("rejects a changed source and re-reads it with --force, reusing unchanged chapters", async () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), "doc2video-source-change-"));
    const document = writeSampleDocument();
    const runId = await startFailingRun(workspace, document);
    const edited = readFileSync(document, "utf8").replace(
      "Volunteers still visit many towers to keep them painted and safe.",
      "Volunteers still climb many towers each spring to paint the lanterns red.",
    );
    writeFileSync(document, edited);
    const services = servicesFor(workspace);
    const spokenBefore = speechCallsByChapter(services, runId);

    await expect(resumeRun(runId, { config: services.config, services })).rejects.toThrow(
      `source document ${document} changed since run ${runId} started; pass --force to restart it from ingestDocument`,
    );

    const outcome = await resumeRun(runId, { config: services.config, services, force: true });
    const script = readFileSync(fileURLToPath(outcome.state.artifacts["2"]!.script!.url), "utf8");
    expect(script).toContain("paint the lanterns red");
    expect(readFileSync(fileURLToPath(outcome.state.document!.sourceUrl), "utf8")).toBe(edited);
    // Every script is written again, because retrieval hands each chapter chunks of the edited one,
    // but scenes whose sentences did not change keep their stored narration.
    const spokenAfter = speechCallsByChapter(services, runId);
    expect(spokenAfter[0]).toBe(spokenBefore[0]);
    expect(spokenAfter[1]).toBe(spokenBefore[1]);
    expect(spokenAfter[2]).toBeGreaterThan(spokenBefore[2]!);
    expect(services.callLedger.summarize(runId).flatMap((summary) => summary.repeatedHashes)).toEqual([]);
  });
});
