import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { writeSampleDocument } from "../helpers/sample-document.js";
import { runIdOf, startCli, survivingProcesses } from "../chaos/chaos-harness.js";

const SHORT = ["--target-seconds", "6", "--min-seconds", "3", "--max-seconds", "10", "--fps", "2"];

/** Writes an espeak-ng wrapper that waits 20 s before speaking, so a run stays busy in narrateScenes. */
function writeSlowEspeak(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), "doc2video-slow-espeak-"));
  const script = path.join(folder, "espeak-ng");
  writeFileSync(script, '#!/bin/sh\nsleep 20\nexec espeak-ng "$@"\n');
  chmodSync(script, 0o755);
  return script;
}

describe("resuming one run from two processes", () => {
  it("rejects a second resumer, then takes over", async () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), "doc2video-two-resumers-"));
    const slow = { ESPEAK_PATH: writeSlowEspeak() };

    const first = startCli(["--workspace", workspace, "run", writeSampleDocument(), ...SHORT], slow);
    await first.waitForOutput(/script written/);
    await first.killGroup();
    const runId = runIdOf(first);

    const listed = await runCli(["--workspace", workspace, "runs", "--json"]);
    const runs = JSON.parse(listed.stdout) as { run_id: string; status: string }[];
    expect(runs.find((run) => run.run_id === runId)?.status).toBe("interrupted");

    const resumers = [
      startCli(["--workspace", workspace, "--thread", runId], slow),
      startCli(["--workspace", workspace, "--thread", runId], slow),
    ];
    const loserExit = await Promise.race(resumers.map((resumer, position) => resumer.exited.then((result) => ({ result, position }))));
    const loser = resumers[loserExit.position]!;
    const winner = resumers[1 - loserExit.position]!;
    expect(loserExit.result.code).toBe(1);
    expect(loser.stderr()).toContain(`run ${runId} is already running (pid ${winner.child.pid})`);

    await winner.killGroup();
    expect(await survivingProcesses(winner.marker)).toEqual([]);

    const takeover = await runCli(["--workspace", workspace, "--thread", runId]);
    expect(takeover.stderr).not.toContain("already running");
    expect(takeover.code).toBe(0);
    expect(takeover.stdout).toContain(`run ${runId} completed`);
  }, 120_000);
});
