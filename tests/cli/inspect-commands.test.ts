import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { writeSampleDocument } from "../helpers/sample-document.js";

const SHORT = ["--target-seconds", "6", "--min-seconds", "3", "--max-seconds", "10", "--fps", "2"];

describe("run, runs and show with --json", () => {
  const workspace = mkdtempSync(path.join(os.tmpdir(), "doc2video-inspect-"));
  let summary: { run_id: string; chapters: number; manifest_url: string; chapter_video_urls: string[] };

  beforeAll(async () => {
    const result = await runCli(["--workspace", workspace, "run", writeSampleDocument(), ...SHORT, "--json"]);
    expect(result.code, result.stderr).toBe(0);
    summary = JSON.parse(result.stdout);
  }, 120_000);

  it("prints the run summary as JSON", () => {
    expect(summary.chapters).toBe(3);
    expect(summary.chapter_video_urls).toHaveLength(3);
    expect(summary.manifest_url).toMatch(/^file:\/\/.*manifest\.json$/);
  });

  it("lists the run as completed", async () => {
    const result = await runCli(["--workspace", workspace, "runs", "--json"]);
    expect(result.code).toBe(0);
    const runs = JSON.parse(result.stdout) as { run_id: string; status: string; options: { fps: number } }[];
    expect(runs.map((run) => run.run_id)).toEqual([summary.run_id]);
    expect(runs[0]?.options.fps).toBe(2);
    expect(runs[0]?.status).toBe("completed");
  });

  it("shows stage totals and chapter videos", async () => {
    const result = await runCli(["--workspace", workspace, "show", summary.run_id, "--json"]);
    expect(result.code).toBe(0);
    const details = JSON.parse(result.stdout) as {
      run: { status: string };
      stages: Record<string, { runs: number; failed: number }>;
      chapters: { video_url: string | null }[];
      manifest_url: string;
    };
    expect(details.run.status).toBe("completed");
    expect(details.stages.composeVideo?.runs).toBe(3);
    expect(details.stages.composeVideo?.failed).toBe(0);
    expect(details.chapters.map((chapter) => chapter.video_url)).toEqual(summary.chapter_video_urls);
    expect(details.manifest_url).toBe(summary.manifest_url);
  });

  it("prints a readable status without --json", async () => {
    const result = await runCli(["--workspace", workspace, "show", summary.run_id]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`run      ${summary.run_id}`);
    expect(result.stdout).toContain("status   completed");
    expect(result.stdout).toContain("The First Lights");
  });
});
