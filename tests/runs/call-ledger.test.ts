import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CallLedger } from "../../src/runs/call-ledger.js";

const ledgers: CallLedger[] = [];

function newLedger(): CallLedger {
  const ledger = new CallLedger(path.join(mkdtempSync(path.join(os.tmpdir(), "doc2video-call-ledger-")), "runs.sqlite"));
  ledgers.push(ledger);
  return ledger;
}

const call = (callHash: string, kind = "speech") => ({
  runId: "r1",
  callHash,
  provider: "espeak",
  kind,
  node: "narrateScenes",
  chapterIndex: 0,
  nodeRunId: 7,
});

afterEach(() => {
  for (const ledger of ledgers.splice(0)) ledger.close();
});

describe("CallLedger", () => {
  it("counts archived, failed and interrupted calls per provider", () => {
    const ledger = newLedger();
    ledger.archived(ledger.begin(call("a")), "a.json");
    ledger.failed(ledger.begin(call("b")), "espeak-ng exited with code 1");
    ledger.begin(call("c"));
    expect(ledger.markInterrupted("r1")).toBe(1);
    const [summary] = ledger.summarize("r1");
    expect(summary?.performed).toBe(3);
    expect(summary?.archived).toBe(1);
    expect(summary?.failed).toBe(1);
    expect(summary?.interrupted).toBe(1);
    expect(summary?.repeatedHashes).toEqual([]);
  });

  it("reports a hash archived twice as repeated", () => {
    const ledger = newLedger();
    ledger.archived(ledger.begin(call("a")), "a.json");
    ledger.recordArchived(call("a"), "a-2.json");
    expect(ledger.summarize("r1")[0]?.repeatedHashes).toEqual(["a"]);
  });

  it("does not count a replay as a call", () => {
    const ledger = newLedger();
    ledger.archived(ledger.begin(call("a")), "a.json");
    ledger.recordReplay(call("a"), "a.json");
    const [summary] = ledger.summarize("r1");
    expect(summary?.performed).toBe(1);
    expect(summary?.replayed).toBe(1);
  });

  it("marks a call archived when its replay finds a result the row missed", () => {
    const ledger = newLedger();
    ledger.begin(call("a"));
    ledger.markInterrupted("r1");
    ledger.recordReplay(call("a"), "a.json");
    expect(ledger.list("r1").map((row) => row.status)).toEqual(["archived", "replayed"]);
  });

  it("keeps runs apart", () => {
    const ledger = newLedger();
    ledger.begin(call("a"));
    ledger.begin({ ...call("b"), runId: "r2" });
    expect(ledger.markInterrupted("r2")).toBe(1);
    expect(ledger.list("r1")[0]?.status).toBe("started");
  });
});
