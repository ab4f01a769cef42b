import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { RunRegistry } from "../../src/runs/run-registry.js";

const openRegistries: RunRegistry[] = [];

function newRegistry(): { registry: RunRegistry; databasePath: string } {
  const folder = mkdtempSync(path.join(os.tmpdir(), "doc2video-registry-"));
  const databasePath = path.join(folder, "checkpoints.sqlite");
  const registry = new RunRegistry(databasePath);
  openRegistries.push(registry);
  return { registry, databasePath };
}

function setLockHolder(databasePath: string, runId: string, pid: number): void {
  const db = new Database(databasePath);
  db.prepare("UPDATE doc2video_runs SET lock_pid = ? WHERE run_id = ?").run(pid, runId);
  db.close();
}

afterEach(() => {
  for (const registry of openRegistries.splice(0)) registry.close();
});

describe("RunRegistry", () => {
  it("creates a running run locked by this process", () => {
    const { registry } = newRegistry();
    registry.create({ runId: "r1", sourcePath: "/doc.md", sourceSha256: "abc", optionsJson: "{}" });
    const run = registry.get("r1");
    expect(run?.status).toBe("running");
    expect(run?.lockPid).toBe(process.pid);
  });

  it("rejects a lock held by a live process", async () => {
    const { registry, databasePath } = newRegistry();
    registry.create({ runId: "r2", sourcePath: "/doc.md", sourceSha256: "abc", optionsJson: "{}" });
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"], { stdio: "ignore" });
    try {
      setLockHolder(databasePath, "r2", holder.pid!);
      expect(() => registry.acquireLock("r2")).toThrow(`run r2 is already running (pid ${holder.pid})`);
    } finally {
      holder.kill("SIGKILL");
    }
  });

  it("takes over a lock left by a dead process", async () => {
    const { registry, databasePath } = newRegistry();
    registry.create({ runId: "r3", sourcePath: "/doc.md", sourceSha256: "abc", optionsJson: "{}" });
    const holder = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    await new Promise((resolve) => holder.once("exit", resolve));
    setLockHolder(databasePath, "r3", holder.pid!);
    registry.acquireLock("r3");
    expect(registry.get("r3")?.lockPid).toBe(process.pid);
  });

  it("reports a running run whose lock holder died as interrupted", async () => {
    const { registry, databasePath } = newRegistry();
    registry.create({ runId: "r6", sourcePath: "/doc.md", sourceSha256: "abc", optionsJson: "{}" });
    const holder = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    await new Promise((resolve) => holder.once("exit", resolve));
    setLockHolder(databasePath, "r6", holder.pid!);
    expect(registry.get("r6")?.status).toBe("interrupted");
    expect(registry.list().find((run) => run.runId === "r6")?.status).toBe("interrupted");
  });

  it("reports an unknown run by id", () => {
    const { registry } = newRegistry();
    expect(() => registry.acquireLock("missing")).toThrow("run missing not found");
  });

  it("records failure details", () => {
    const { registry } = newRegistry();
    registry.create({ runId: "r4", sourcePath: "/doc.md", sourceSha256: "abc", optionsJson: "{}" });
    registry.setStatus("r4", "failed", { node: "composeVideo", chapterIndex: 2, error: "ffmpeg exited with code 1" });
    const run = registry.get("r4");
    expect(run?.status).toBe("failed");
    expect(run?.failedNode).toBe("composeVideo");
    expect(run?.failedChapter).toBe(2);
    expect(run?.error).toBe("ffmpeg exited with code 1");
  });

  it("logs node executions and marks stale ones aborted", () => {
    const { registry } = newRegistry();
    registry.create({ runId: "r5", sourcePath: "/doc.md", sourceSha256: "abc", optionsJson: "{}" });
    const finished = registry.startNode("r5", "writeScript", 0);
    registry.finishNode(finished, "done", 1234);
    registry.startNode("r5", "writeScript", 1);
    registry.markStaleNodesAborted("r5");
    const runs = registry.nodeRuns("r5");
    expect(runs.map((run) => run.status)).toEqual(["done", "aborted"]);
    expect(runs[0]?.durationMs).toBe(1234);
    expect(runs[1]?.chapterIndex).toBe(1);
  });
});
