import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppConfig } from "../../src/config.js";
import { chapterTaskFor } from "../../src/nodes/chapter-task.js";
import { composeFullVideo } from "../../src/nodes/compose-full-video.js";
import { composeVideo } from "../../src/nodes/compose-video.js";
import { ingestDocument } from "../../src/nodes/ingest-document.js";
import { narrateScenes } from "../../src/nodes/narrate-scenes.js";
import { publishRun, type RunManifest } from "../../src/nodes/publish-run.js";
import { renderSlides } from "../../src/nodes/render-slides.js";
import { writeScript } from "../../src/nodes/write-script.js";
import type { ArtifactRecord } from "../../src/runs/artifact-ledger.js";
import { startRun, type RunOutcome } from "../../src/runs/run-executor.js";
import { createServices, type Services } from "../../src/services.js";
import { startFakeGcsServer, type FakeGcsServer, type RecordedGcsRequest } from "../fakes/gcs-server.js";
import { writeSampleDocument } from "../helpers/sample-document.js";
import { SHORT_RUN, testConfig } from "../helpers/test-config.js";

const BUCKET = "doc2video-media";
const PREFIX = "team-a";

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

/** Collects every string value of `value` that looks like a URL. */
function collectUrls(value: unknown, found: string[] = []): string[] {
  if (typeof value === "string" && /^[a-z0-9+.-]+:\/\//.test(value)) found.push(value);
  else if (Array.isArray(value)) value.forEach((item) => collectUrls(item, found));
  else if (value && typeof value === "object") Object.values(value).forEach((item) => collectUrls(item, found));
  return found;
}

/** Returns the fake server's `bucket/name` id of a `gs://bucket/<name>` URL. */
function objectIdOf(url: string): string {
  if (!url.startsWith(`gs://${BUCKET}/`)) throw new Error(`${url} is not in gs://${BUCKET}/`);
  return url.slice("gs://".length);
}

/** Returns true for a request that sent object content: a multipart upload or a resumable upload's data. */
function isUpload(request: RecordedGcsRequest): boolean {
  if (!request.path.startsWith("/upload/")) return false;
  return request.method === "PUT" || request.query.get("uploadType") === "multipart";
}

describe("run with GCS storage", () => {
  let server: FakeGcsServer;
  let config: AppConfig;
  let services: Services;
  let outcome: RunOutcome;
  let manifest: RunManifest;
  let ledger: ArtifactRecord[];

  beforeAll(async () => {
    server = await startFakeGcsServer({ buckets: [BUCKET] });
    // With GCS_API_ENDPOINT set the client sends no credentials, and a set project id means it never looks one up.
    config = testConfig(SHORT_RUN, {
      STORAGE_PROVIDER: "gcs",
      GCS_BUCKET: BUCKET,
      GCS_PREFIX: PREFIX,
      GCS_PROJECT_ID: "test-project",
      GCS_API_ENDPOINT: server.endpoint,
    });
    services = createServices(config);
    outcome = await startRun(writeSampleDocument(), config.runDefaults, { config, services });
    manifest = JSON.parse((await services.storage.get(outcome.state.manifest!.key)).toString("utf8")) as RunManifest;
    ledger = services.ledger.list(outcome.runId);
  });

  afterAll(async () => {
    services?.registry.close();
    services?.ledger.close();
    await server?.close();
  });

  it("names every artifact by a gs URL", () => {
    const urls = collectUrls(manifest);
    expect(urls.length).toBeGreaterThan(20);
    for (const url of urls) {
      expect(url.startsWith(`gs://${BUCKET}/${PREFIX}/runs/${outcome.runId}/`), url).toBe(true);
    }
  });

  it("contains no local path", () => {
    const text = JSON.stringify(manifest);
    expect(text).not.toContain("file://");
    // The workspace and the source document are both under the temporary folder.
    expect(text).not.toContain(os.tmpdir());
  });

  it("records every chapter URL", () => {
    const chapterUrl = (file: string) => new RegExp(`^gs://${BUCKET}/${PREFIX}/runs/${outcome.runId}/ch0\\d/${file}$`);
    expect(manifest.chapters).toHaveLength(3);
    for (const chapter of manifest.chapters) {
      expect(chapter.video_url).toMatch(chapterUrl("video/ch0\\d-[^/]+\\.mp4"));
      expect(chapter.audio_url).toMatch(chapterUrl("audio/narration\\.wav"));
      expect(chapter.image_url).toMatch(chapterUrl("slides/scene-01\\.png"));
      expect(chapter.script_url).toMatch(chapterUrl("script/script\\.json"));
      expect(chapter.captions_url).toMatch(chapterUrl("captions/captions\\.srt"));
      for (const scene of chapter.scenes) {
        expect(scene.audio_url).toMatch(chapterUrl("audio/scene-\\d\\d\\.wav"));
        expect(scene.image_url).toMatch(chapterUrl("slides/scene-\\d\\d\\.png"));
      }
    }
  });

  it("records the run URLs", () => {
    const runUrl = `gs://${BUCKET}/${PREFIX}/runs/${outcome.runId}`;
    expect(manifest.document.source_url).toBe(`${runUrl}/source/lighthouses.md`);
    expect(manifest.manifest_url).toBe(`${runUrl}/manifest/manifest.json`);
    expect(manifest.call_archive_url).toBe(`${runUrl}/calls`);
    expect(manifest.full_video_url).toBe(`${runUrl}/video/full.mp4`);
  });

  it("stores each artifact with its size and content type", () => {
    const urls = collectUrls(manifest).filter((url) => url !== manifest.call_archive_url);
    for (const url of new Set(urls)) {
      const recorded = ledger.find((record) => record.url === url);
      expect(recorded, `ledger row for ${url}`).toBeDefined();
      const stored = server.objects.get(objectIdOf(url));
      expect(stored?.content.length, url).toBe(recorded!.bytes);
      expect(stored?.contentType, url).toBe(EXPECTED_CONTENT_TYPES[url.slice(url.lastIndexOf(".") + 1)]);
    }
  });

  it("ledger lists every artifact in the bucket", () => {
    const runPrefix = `${BUCKET}/${PREFIX}/runs/${outcome.runId}/`;
    const stored = [...server.objects.keys()].filter((id) => id.startsWith(runPrefix) && !id.startsWith(`${runPrefix}calls/`));
    expect(ledger.map((record) => `${BUCKET}/${PREFIX}/${record.key}`).sort()).toEqual(stored.sort());
  });

  it("stores nothing under workspace/storage", () => {
    expect(existsSync(path.join(config.workspace, "storage"))).toBe(false);
  });

  it("re-running finished nodes uploads nothing", async () => {
    const { state } = outcome;
    const before = server.requests.length;
    const context: LangGraphRunnableConfig = { context: { services } };
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
});
