import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { getStorageAdapter } from "../../src/adapters/storage/index.js";
import { loadConfig } from "../../src/config.js";
import { RunRegistry } from "../../src/runs/run-registry.js";
import {
  CHAOS_RUN_FLAGS,
  archivedHashesByKind,
  readLedger,
  runIdOf,
  seededRandom,
  startCli,
  storageSnapshot,
  survivingProcesses,
  unexplainedRepeats,
  writeFiveChapterDocument,
  type CliProcess,
} from "./chaos-harness.js";

const SEED = Number(process.env.CHAOS_SEED ?? 20261204);
const TOTAL_KILLS = 20;
const KILLS_PER_RUN = 5;
/** Provider calls that can be in flight at once: speech and slides share the two-chapter limit. */
const MAX_CALLS_IN_FLIGHT = 2;

interface FinishedRun {
  workspace: string;
  runId: string;
  kills: number;
  snapshot: Map<string, string>;
}

const sleep = (ms: number) => new Promise<"timer">((resolve) => setTimeout(() => resolve("timer"), ms));

async function snapshotOf(workspace: string, runId: string): Promise<Map<string, string>> {
  const storage = getStorageAdapter(loadConfig({ workspace, logLevel: "silent" }, {}));
  return storageSnapshot(storage, runId, workspace);
}

describe("kill -9 at random points and resume", () => {
  const document = writeFiveChapterDocument();
  let clean: FinishedRun;
  let cleanWorkMs = 0;

  beforeAll(async () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), "doc2video-chaos-clean-"));
    const cli = startCli(["--workspace", workspace, "run", document, ...CHAOS_RUN_FLAGS]);
    await cli.waitForOutput(/^run \S+$/m);
    const started = performance.now();
    const result = await cli.exited;
    cleanWorkMs = performance.now() - started;
    expect(result.code, cli.stderr()).toBe(0);
    const runId = runIdOf(cli);
    clean = { workspace, runId, kills: 0, snapshot: await snapshotOf(workspace, runId) };
  }, 120_000);

  it("finishes like a clean run after 20 kills", async () => {
    process.stderr.write(`kill-resume: seed ${SEED} (set CHAOS_SEED to replay), clean run ${Math.round(cleanWorkMs)} ms\n`);
    const random = seededRandom(SEED);
    const finished: FinishedRun[] = [];
    let kills = 0;

    while (kills < TOTAL_KILLS) {
      const workspace = mkdtempSync(path.join(os.tmpdir(), "doc2video-chaos-"));
      let cli: CliProcess = startCli(["--workspace", workspace, "run", document, ...CHAOS_RUN_FLAGS]);
      await cli.waitForOutput(/^run \S+$/m);
      const runId = runIdOf(cli);
      let killsThisRun = 0;
      for (;;) {
        if (kills < TOTAL_KILLS && killsThisRun < KILLS_PER_RUN) {
          const delayMs = Math.round(random() * cleanWorkMs);
          const first = await Promise.race([cli.exited.then(() => "exited" as const), sleep(delayMs)]);
          if (first === "timer") {
            await cli.killGroup();
            kills += 1;
            killsThisRun += 1;
            expect(await survivingProcesses(cli.marker), `processes left by kill ${kills} at ${delayMs} ms`).toEqual([]);
            cli = startCli(["--workspace", workspace, "--thread", runId]);
            await cli.waitForOutput(/resuming run/);
            continue;
          }
        }
        const result = await cli.exited;
        expect(result.code, cli.stderr()).toBe(0);
        expect(cli.stdout()).toContain(`run ${runId} completed`);
        break;
      }
      finished.push({ workspace, runId, kills: killsThisRun, snapshot: await snapshotOf(workspace, runId) });
    }

    expect(kills).toBe(TOTAL_KILLS);
    const cleanLedger = readLedger(clean.workspace, clean.runId);
    for (const run of finished) {
      const label = `run ${run.runId} (${run.kills} kills, seed ${SEED})`;
      const registry = new RunRegistry(path.join(run.workspace, "checkpoints.sqlite"));
      expect(registry.get(run.runId)?.status, label).toBe("completed");
      registry.close();

      expect(Object.fromEntries(run.snapshot), label).toEqual(Object.fromEntries(clean.snapshot));

      const { calls, nodeStatus } = readLedger(run.workspace, run.runId);
      const count = (status: string) => calls.filter((call) => call.status === status).length;
      process.stderr.write(
        `kill-resume: ${label}: ${count("archived")} calls archived, ${count("replayed")} replayed, ${count("interrupted")} interrupted\n`,
      );
      expect(archivedHashesByKind(calls), label).toEqual(archivedHashesByKind(cleanLedger.calls));
      expect(unexplainedRepeats(calls, nodeStatus), label).toEqual([]);
      const interrupted = calls.filter((call) => call.status === "interrupted").length;
      expect(interrupted, label).toBeLessThanOrEqual(run.kills * MAX_CALLS_IN_FLIGHT);
      for (const kind of ["speech", "slide"]) {
        const archived = calls.filter((call) => call.kind === kind && call.status === "archived");
        expect(archived.length, `${label}: ${kind} calls archived once each`).toBe(new Set(archived.map((call) => call.callHash)).size);
      }
    }
  }, 600_000);
});
