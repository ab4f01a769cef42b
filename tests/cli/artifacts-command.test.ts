import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatArtifactTable, toArtifactListing, type ArtifactListing } from "../../src/cli/artifacts-command.js";
import { ArtifactLedger, type ArtifactRecord } from "../../src/runs/artifact-ledger.js";
import { RunRegistry } from "../../src/runs/run-registry.js";
import { S3RVER_CREDENTIALS, startS3rver, type RunningS3rver } from "../fakes/s3rver.js";
import { runCli } from "../helpers/run-cli.js";

const RUN_ID = "20261204-120000-lighthouses-ab12";
const EMPTY_RUN_ID = "20261204-130000-lighthouses-cd34";
/** A run started from LangGraph Studio: ledger rows but no run registry row. */
const STUDIO_RUN_ID = "studio-1";
const BUCKET = "doc2video-media";

const RECORDS: ArtifactRecord[] = [
  {
    runId: RUN_ID,
    key: `runs/${RUN_ID}/ch02/video/ch02-Lenses-and-Lamps.mp4`,
    url: `s3://${BUCKET}/runs/${RUN_ID}/ch02/video/ch02-Lenses-and-Lamps.mp4`,
    sha256: "b".repeat(64),
    bytes: 1_572_864,
    contentType: "video/mp4",
    node: "composeVideo",
    chapterIndex: 1,
    createdAt: "2026-12-04T12:01:00.000Z",
  },
  {
    runId: RUN_ID,
    key: `runs/${RUN_ID}/source/lighthouses.md`,
    url: `s3://${BUCKET}/runs/${RUN_ID}/source/lighthouses.md`,
    sha256: "a".repeat(64),
    bytes: 512,
    contentType: "text/markdown; charset=utf-8",
    node: "ingestDocument",
    createdAt: "2026-12-04T12:00:00.000Z",
  },
];

describe("artifacts table", () => {
  const table = formatArtifactTable(RECORDS).split("\n");

  it("starts with the column titles", () => {
    expect(table[0]).toMatch(/^KEY\s+SIZE\s+CONTENT TYPE\s+NODE\s+CHAPTER\s+URL$/);
  });

  it("shows the chapter number and size of a chapter artifact", () => {
    expect(table[1]).toMatch(/ch02-Lenses-and-Lamps\.mp4\s+1\.5 MiB\s+video\/mp4\s+composeVideo\s+2\s+s3:\/\//);
  });

  it("shows a dash for a run-level artifact", () => {
    expect(table[2]).toMatch(/512 B\s+text\/markdown; charset=utf-8\s+ingestDocument\s+-\s+s3:\/\//);
  });

  it("ends with the count and total size", () => {
    expect(table.at(-2)).toBe("2 artifacts, 1.5 MiB");
  });
});

describe("artifacts listing", () => {
  it("keeps a zero chapter index", () => {
    expect(toArtifactListing({ ...RECORDS[0]!, chapterIndex: 0 }).chapter_index).toBe(0);
  });

  it("uses null for a run-level artifact", () => {
    expect(toArtifactListing(RECORDS[1]!).chapter_index).toBeNull();
  });
});

describe("artifacts command", () => {
  const workspace = mkdtempSync(path.join(os.tmpdir(), "doc2video-artifacts-"));
  let server: RunningS3rver;
  let s3Env: Record<string, string>;

  beforeAll(async () => {
    const databasePath = path.join(workspace, "checkpoints.sqlite");
    const registry = new RunRegistry(databasePath);
    const ledger = new ArtifactLedger(databasePath);
    try {
      for (const runId of [RUN_ID, EMPTY_RUN_ID]) {
        registry.create({ runId, sourcePath: "/tmp/lighthouses.md", sourceSha256: "a".repeat(64), optionsJson: "{}" });
      }
      for (const record of RECORDS) ledger.record(record);
      ledger.record({ ...RECORDS[1]!, runId: STUDIO_RUN_ID, key: "runs/studio-1/source/lighthouses.md" });
    } finally {
      ledger.close();
      registry.close();
    }
    server = await startS3rver({ buckets: [BUCKET] });
    s3Env = {
      STORAGE_PROVIDER: "s3",
      S3_BUCKET: BUCKET,
      S3_ENDPOINT: server.endpoint,
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    };
  });

  afterAll(async () => {
    await server?.close();
  });

  it("prints the ledger as JSON without asking S3", async () => {
    const result = await runCli(["--workspace", workspace, "artifacts", RUN_ID, "--json"], s3Env);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(server.requests).toEqual([]);
    const listed = JSON.parse(result.stdout) as ArtifactListing[];
    expect(listed).toEqual([...RECORDS].sort((a, b) => a.key.localeCompare(b.key)).map(toArtifactListing));
  });

  it("prints a table by default", async () => {
    const result = await runCli(["--workspace", workspace, "artifacts", RUN_ID], s3Env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("2 artifacts, 1.5 MiB");
    expect(server.requests).toEqual([]);
  });

  it("reports a run without artifacts", async () => {
    const result = await runCli(["--workspace", workspace, "artifacts", EMPTY_RUN_ID]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`run ${EMPTY_RUN_ID} has stored no artifacts yet; resume it with \`pnpm agent --thread ${EMPTY_RUN_ID}\`\n`);
  });

  it("lists a run missing from the registry", async () => {
    const result = await runCli(["--workspace", workspace, "artifacts", STUDIO_RUN_ID, "--json"]);
    expect(result.code).toBe(0);
    const listed = JSON.parse(result.stdout) as ArtifactListing[];
    expect(listed.map((artifact) => artifact.key)).toEqual(["runs/studio-1/source/lighthouses.md"]);
  });

  it("rejects an unknown run id", async () => {
    const result = await runCli(["--workspace", workspace, "artifacts", "no-such-run"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("run no-such-run not found");
  });
});
