import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { AppConfig } from "../../src/config.js";
import { chapterTaskFor } from "../../src/nodes/chapter-task.js";
import { composeFullVideo } from "../../src/nodes/compose-full-video.js";
import { composeVideo } from "../../src/nodes/compose-video.js";
import { ingestDocument } from "../../src/nodes/ingest-document.js";
import { narrateScenes } from "../../src/nodes/narrate-scenes.js";
import { publishRun, type RunManifest } from "../../src/nodes/publish-run.js";
import { renderSlides } from "../../src/nodes/render-slides.js";
import { writeScript } from "../../src/nodes/write-script.js";
import { ArtifactLedger, type ArtifactRecord } from "../../src/runs/artifact-ledger.js";
import { startRun, type RunOutcome } from "../../src/runs/run-executor.js";
import { RunRegistry, type RunRecord } from "../../src/runs/run-registry.js";
import { createServices, type Services } from "../../src/services.js";
import { S3RVER_CREDENTIALS, startS3rver, type RecordedS3Request, type RunningS3rver } from "../fakes/s3rver.js";
import { runCli, runIdFrom } from "../helpers/run-cli.js";
import { writeSampleDocument } from "../helpers/sample-document.js";
import { SHORT_RUN, testConfig } from "../helpers/test-config.js";

const BUCKET = "doc2video-media";
const PREFIX = "team-a";
const PUBLIC_BASE_URL = "https://media.example.test/doc2video";
const SHORT_CLI_RUN = ["--target-seconds", "6", "--min-seconds", "3", "--max-seconds", "10", "--fps", "2"];

/** Content types the artifacts should carry, by file extension. */
const EXPECTED_CONTENT_TYPES: Record<string, string> = {
  mp4: "video/mp4",
  wav: "audio/wav",
  png: "image/png",
  json: "application/json",
  srt: "application/x-subrip",
  vtt: "text/vtt",
  md: "text/markdown; charset=utf-8",
  txt: "text/plain; charset=utf-8",
};

const CREDENTIAL_ENV = {
  AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
};

function s3Env(server: RunningS3rver, extra: Record<string, string> = {}): Record<string, string> {
  return { STORAGE_PROVIDER: "s3", S3_BUCKET: BUCKET, S3_ENDPOINT: server.endpoint, S3_PREFIX: PREFIX, ...extra };
}

/** Collects every string value of `value` that looks like a URL. */
function collectUrls(value: unknown, found: string[] = []): string[] {
  if (typeof value === "string" && /^[a-z0-9+.-]+:\/\//.test(value)) found.push(value);
  else if (Array.isArray(value)) value.forEach((item) => collectUrls(item, found));
  else if (value && typeof value === "object") Object.values(value).forEach((item) => collectUrls(item, found));
  return found;
}

/** Returns the object name of an `s3://bucket/<name>` URL in the test bucket. */
function objectNameOf(url: string): string {
  const start = `s3://${BUCKET}/`;
  if (!url.startsWith(start)) throw new Error(`${url} is not in s3://${BUCKET}/`);
  return url.slice(start.length);
}

function isUpload(request: RecordedS3Request): boolean {
  return request.method === "PUT" || request.method === "POST";
}

function extensionOf(key: string): string {
  return key.slice(key.lastIndexOf(".") + 1);
}

/** Runs a node the way the graph does, with the run's services in the invoke context. */
function nodeConfig(services: Services): LangGraphRunnableConfig {
  return { context: { services } };
}

async function readManifest(services: Services, outcome: RunOutcome): Promise<RunManifest> {
  return JSON.parse((await services.storage.get(outcome.state.manifest!.key)).toString("utf8")) as RunManifest;
}

function closeServices(services: Services | undefined): void {
  services?.registry.close();
  services?.ledger.close();
}

describe("run with S3 storage", () => {
  let server: RunningS3rver;
  let client: S3Client;

  const headObject = (objectName: string) => client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: objectName }));

  async function listObjectNames(prefix: string): Promise<string[]> {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }));
      names.push(...(page.Contents ?? []).map((entry) => entry.Key!));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return names;
  }

  beforeAll(async () => {
    server = await startS3rver({ buckets: [BUCKET] });
    client = new S3Client({
      region: "us-east-1",
      endpoint: server.endpoint,
      forcePathStyle: true,
      credentials: S3RVER_CREDENTIALS,
    });
    // The in-process runs get their credentials from the AWS default provider chain, as the CLI does.
    for (const [name, value] of Object.entries(CREDENTIAL_ENV)) vi.stubEnv(name, value);
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    client?.destroy();
    await server?.close();
  });

  describe("full run", () => {
    let config: AppConfig;
    let services: Services;
    let outcome: RunOutcome;
    let manifest: RunManifest;
    let ledger: ArtifactRecord[];

    beforeAll(async () => {
      config = testConfig(SHORT_RUN, s3Env(server));
      services = createServices(config);
      outcome = await startRun(writeSampleDocument(), config.runDefaults, { config, services });
      manifest = await readManifest(services, outcome);
      ledger = services.ledger.list(outcome.runId);
    });

    afterAll(() => closeServices(services));

    it("uses the S3 adapter", () => {
      expect(services.storage.provider).toBe("s3");
    });

    it("names every artifact by an s3 URL", () => {
      const urls = collectUrls(manifest);
      expect(urls.length).toBeGreaterThan(20);
      for (const url of urls) {
        expect(url.startsWith(`s3://${BUCKET}/${PREFIX}/runs/${outcome.runId}/`), url).toBe(true);
      }
    });

    it("contains no local path", () => {
      const text = JSON.stringify(manifest);
      expect(text).not.toContain("file://");
      // The workspace and the source document are both under the temporary folder.
      expect(text).not.toContain(os.tmpdir());
    });

    it("records every chapter URL", () => {
      const chapterUrl = (file: string) => new RegExp(`^s3://${BUCKET}/${PREFIX}/runs/${outcome.runId}/ch0\\d/${file}$`);
      expect(manifest.chapters).toHaveLength(3);
      for (const chapter of manifest.chapters) {
        expect(chapter.video_url).toMatch(chapterUrl("video/ch0\\d-[^/]+\\.mp4"));
        expect(chapter.audio_url).toMatch(chapterUrl("audio/narration\\.wav"));
        expect(chapter.image_url).toMatch(chapterUrl("slides/scene-01\\.png"));
        expect(chapter.script_url).toMatch(chapterUrl("script/script\\.json"));
        expect(chapter.captions_url).toMatch(chapterUrl("captions/captions\\.srt"));
        expect(chapter.scenes.length).toBeGreaterThan(0);
        for (const scene of chapter.scenes) {
          expect(scene.audio_url).toMatch(chapterUrl("audio/scene-\\d\\d\\.wav"));
          expect(scene.image_url).toMatch(chapterUrl("slides/scene-\\d\\d\\.png"));
        }
      }
    });

    it("records the run URLs", () => {
      const runUrl = `s3://${BUCKET}/${PREFIX}/runs/${outcome.runId}`;
      expect(manifest.document.source_url).toBe(`${runUrl}/source/lighthouses.md`);
      expect(manifest.manifest_url).toBe(`${runUrl}/manifest/manifest.json`);
      expect(manifest.call_archive_url).toBe(`${runUrl}/calls`);
      expect(manifest.full_video_url).toBe(`${runUrl}/video/full.mp4`);
    });

    it("archives the script calls under the call archive URL", async () => {
      const calls = await listObjectNames(`${objectNameOf(manifest.call_archive_url)}/`);
      expect(calls.filter((name) => name.includes("/writeScript/"))).toHaveLength(3);
    });

    it("serves each artifact with its size and content type", async () => {
      const urls = collectUrls(manifest).filter((url) => url !== manifest.call_archive_url);
      for (const url of new Set(urls)) {
        const recorded = ledger.find((record) => record.url === url);
        expect(recorded, `ledger row for ${url}`).toBeDefined();
        const head = await headObject(objectNameOf(url));
        expect(head.ContentLength, url).toBe(recorded!.bytes);
        expect(head.ContentType, url).toBe(EXPECTED_CONTENT_TYPES[extensionOf(url)]);
      }
    });

    it("ledger lists every artifact in the bucket", async () => {
      const runPrefix = `${PREFIX}/runs/${outcome.runId}/`;
      const stored = (await listObjectNames(runPrefix)).filter((name) => !name.startsWith(`${runPrefix}calls/`));
      expect(ledger.map((record) => `${PREFIX}/${record.key}`).sort()).toEqual(stored.sort());
    });

    it("stores nothing under workspace/storage", () => {
      expect(existsSync(path.join(config.workspace, "storage"))).toBe(false);
    });

    it("re-running finished nodes uploads nothing", async () => {
      const { state } = outcome;
      const before = server.requests.length;
      const context = nodeConfig(services);
      for (const chapter of state.chapters) {
        const task = chapterTaskFor(state, chapter.index);
        await writeScript(task, context);
        await narrateScenes(task, context);
        await renderSlides(task, context);
        await composeVideo(task, context);
      }
      await ingestDocument(state, context);
      await composeFullVideo(state, context);
      await publishRun(state, context);
      const during = server.requests.slice(before);
      expect(during.length).toBeGreaterThan(0);
      expect(during.filter(isUpload).map((request) => request.path)).toEqual([]);
    });

    it("artifacts command sends no S3 request", async () => {
      const before = server.requests.length;
      const result = await runCli(["--workspace", config.workspace, "artifacts", outcome.runId, "--json"], {
        ...s3Env(server),
        ...CREDENTIAL_ENV,
      });
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(server.requests.length).toBe(before);
      const listed = JSON.parse(result.stdout) as { key: string; url: string; bytes: number }[];
      expect(listed.map((artifact) => artifact.key)).toEqual(ledger.map((record) => record.key));
      expect(listed.every((artifact) => artifact.url.startsWith(`s3://${BUCKET}/`))).toBe(true);
    });
  });

  describe("run with S3_PUBLIC_BASE_URL", () => {
    let services: Services;
    let outcome: RunOutcome;
    let manifest: RunManifest;

    beforeAll(async () => {
      const config = testConfig(SHORT_RUN, s3Env(server, { S3_PUBLIC_BASE_URL: PUBLIC_BASE_URL, S3_PREFIX: "team-b" }));
      services = createServices(config);
      outcome = await startRun(writeSampleDocument(), config.runDefaults, { config, services });
      manifest = await readManifest(services, outcome);
    });

    afterAll(() => closeServices(services));

    it("names every artifact by its public https URL", () => {
      const urls = collectUrls(manifest);
      expect(urls.length).toBeGreaterThan(20);
      for (const url of urls) {
        expect(url.startsWith(`${PUBLIC_BASE_URL}/team-b/runs/${outcome.runId}/`), url).toBe(true);
      }
    });

    it("records public https URLs in the ledger", () => {
      const ledger = services.ledger.list(outcome.runId);
      expect(ledger.length).toBeGreaterThan(20);
      for (const record of ledger) expect(record.url).toBe(`${PUBLIC_BASE_URL}/team-b/${record.key}`);
    });

    it("stores the objects in the bucket", async () => {
      const head = await headObject(`team-b/${outcome.state.manifest!.key}`);
      expect(head.ContentType).toBe("application/json");
    });
  });

  describe("S3 server stopped mid-run", () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), "doc2video-s3-outage-"));
    const databasePath = path.join(workspace, "checkpoints.sqlite");
    let runId: string;
    let failed: Awaited<ReturnType<typeof runCli>>;
    let storedBeforeOutage: ArtifactRecord[];
    let runAfterOutage: RunRecord | undefined;
    let headsAfterRestart: (number | undefined)[];
    let requestsBeforeResume: number;
    let resumed: Awaited<ReturnType<typeof runCli>>;

    function readLedger(): ArtifactRecord[] {
      const ledger = new ArtifactLedger(databasePath);
      try {
        return ledger.list(runId);
      } finally {
        ledger.close();
      }
    }

    beforeAll(async () => {
      const env = { ...s3Env(server), ...CREDENTIAL_ENV };
      // The outage starts when the first chapter video upload arrives, after every earlier stage stored its output.
      let serverStopped = false;
      const stopped = server
        .stopOn((method, url) => method === "PUT" && /\/video\/ch\d\d-[^/]+\.mp4$/.test(url.pathname))
        .then(() => (serverStopped = true));
      failed = await runCli(["--workspace", workspace, "run", writeSampleDocument(), ...SHORT_CLI_RUN], env);
      runId = runIdFrom(failed);
      if (!serverStopped) await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (!serverStopped) throw new Error(`the run never uploaded a chapter video, so the S3 server was never stopped:\n${failed.stderr}`);
      storedBeforeOutage = readLedger();
      const registry = new RunRegistry(databasePath);
      try {
        runAfterOutage = registry.get(runId);
      } finally {
        registry.close();
      }

      await server.start();
      headsAfterRestart = await Promise.all(
        storedBeforeOutage.map(async (record) => (await headObject(`${PREFIX}/${record.key}`)).ContentLength),
      );
      requestsBeforeResume = server.requests.length;
      resumed = await runCli(["--workspace", workspace, "--thread", runId], env);
    });

    it("fails with a storage error after retries", () => {
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/^doc2video: \S+ of \S+ in S3 bucket doc2video-media failed after 5 attempts with a transient error/m);
    });

    it("marks the run failed in the registry", () => {
      expect(runAfterOutage?.status).toBe("failed");
      expect(runAfterOutage?.error).toContain(`in S3 bucket ${BUCKET} failed after 5 attempts`);
    });

    it("stops before storing the manifest", () => {
      expect(storedBeforeOutage.length).toBeGreaterThan(10);
      expect(storedBeforeOutage.some((record) => record.key.endsWith("manifest.json"))).toBe(false);
    });

    it("keeps the artifacts stored before the outage", () => {
      expect(headsAfterRestart).toEqual(storedBeforeOutage.map((record) => record.bytes));
    });

    it("resume completes after the server is back", () => {
      expect(resumed.stderr).not.toContain("doc2video:");
      expect(resumed.code).toBe(0);
      expect(resumed.stdout).toContain(`run ${runId} completed`);
    });

    it("resume uploads no artifact stored before the outage", () => {
      const storedPaths = new Set(storedBeforeOutage.map((record) => `/${BUCKET}/${PREFIX}/${record.key}`));
      const uploads = server.requests.slice(requestsBeforeResume).filter(isUpload);
      expect(uploads.length).toBeGreaterThan(0);
      expect(uploads.filter((request) => storedPaths.has(decodeURIComponent(request.path)))).toEqual([]);
    });

    it("resumed run names every artifact by an s3 URL", () => {
      const ledger = readLedger();
      expect(ledger.some((record) => record.key.endsWith("manifest/manifest.json"))).toBe(true);
      for (const record of ledger) expect(record.url).toBe(`s3://${BUCKET}/${PREFIX}/${record.key}`);
    });

    it("stores nothing under workspace/storage", () => {
      expect(existsSync(path.join(workspace, "storage"))).toBe(false);
    });
  });
});
