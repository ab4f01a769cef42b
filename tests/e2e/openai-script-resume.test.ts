/**
 * A short run with SCRIPT_WRITER=openai against the fake OpenAI server. The
 * first process stores no script for chapter 1, because its script.json
 * write fails after the model call was archived. The resumed run must
 * replay that call, so the server receives exactly one chat completion per chapter.
 */
import { readFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StorageAdapter } from "../../src/adapters/storage/storage-adapter.js";
import { listCallRecords } from "../../src/archive/call-record.js";
import type { AppConfig } from "../../src/config.js";
import { StorageError } from "../../src/errors.js";
import type { RunManifest } from "../../src/nodes/publish-run.js";
import { resumeRun, startRun, type RunOutcome } from "../../src/runs/run-executor.js";
import type { ChapterScript } from "../../src/script/script-schema.js";
import { createServices } from "../../src/services.js";
import { startFakeOpenAiServer, type ChatReply, type ChatRequestBody, type FakeOpenAiServer } from "../fakes/openai-server.js";
import { writeSampleDocument } from "../helpers/sample-document.js";
import { SHORT_RUN, testConfig } from "../helpers/test-config.js";

const API_KEY = "sk-test-resume-0123456789";
const MODEL = "fake-script-model";
const RUN_ID = "openai-script-resume";
const FIRST_CHAPTER_SCRIPT = `runs/${RUN_ID}/ch01/script/script.json`;

function userText(body: ChatRequestBody): string {
  return String(body.messages.find((message) => message.role === "user")?.content ?? "");
}

function chapterTitleOf(body: ChatRequestBody): string {
  return /^Chapter \d+: (.+)$/m.exec(userText(body))?.[1] ?? "";
}

/**
 * Builds a faithful script from the first two sentences of the chapter
 * text in the prompt. The first chapter's reply is delayed, so the other
 * chapters have stored their scripts before its write fails.
 */
function replyFromPrompt(body: ChatRequestBody): ChatReply {
  const chapterText = /<<<\n([\s\S]*?)\n>>>/.exec(userText(body))?.[1] ?? "";
  const sentences = chapterText.replace(/\s+/g, " ").match(/[^.!?]+[.!?]/g) ?? [];
  const title = chapterTitleOf(body);
  return {
    json: {
      scenes: [{ title, keyPoints: [`About ${title}`, "From the chapter"], sentences: sentences.slice(0, 2).map((sentence) => sentence.trim()), sourceChunkIds: [] }],
    },
    delayMs: title === "The First Lights" ? 1500 : 0,
  };
}

/** Wraps `storage` so that writing `failingKey` fails, as a crash between the model call and the script write would. */
function failingOnKey(storage: StorageAdapter, failingKey: string): StorageAdapter {
  return new Proxy(storage, {
    get(target, property, receiver) {
      if (property === "put") {
        return (key: string, ...rest: Parameters<StorageAdapter["put"]> extends [string, ...infer Tail] ? Tail : never) => {
          if (key === failingKey) return Promise.reject(new StorageError(key, `test: write of ${key} failed`));
          return target.put(key, ...rest);
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

describe("openai script writer resume", () => {
  let server: FakeOpenAiServer;
  let firstRunError: unknown;
  let callsAfterFirstRun: number;
  let outcome: RunOutcome;
  let manifest: RunManifest;
  let config: AppConfig;

  beforeAll(async () => {
    server = await startFakeOpenAiServer();
    server.respondWith(replyFromPrompt);
    config = testConfig(SHORT_RUN, {
      SCRIPT_WRITER: "openai",
      OPENAI_API_KEY: API_KEY,
      OPENAI_BASE_URL: server.baseURL,
      OPENAI_MODEL: MODEL,
    });
    const document = writeSampleDocument();

    const firstServices = createServices(config);
    firstServices.storage = failingOnKey(firstServices.storage, FIRST_CHAPTER_SCRIPT);
    firstRunError = await startRun(document, config.runDefaults, { config, services: firstServices, runId: RUN_ID }).catch(
      (error: unknown) => error,
    );
    callsAfterFirstRun = server.chatCompletionCount;

    outcome = await resumeRun(RUN_ID, { config, services: createServices(config) });
    manifest = JSON.parse(readFileSync(fileURLToPath(outcome.state.manifest!.url), "utf8")) as RunManifest;
  }, 240_000);

  afterAll(async () => {
    await server?.close();
  });

  it("first run fails at the script write", () => {
    expect(firstRunError).toBeInstanceOf(StorageError);
    expect((firstRunError as Error).message).toContain(FIRST_CHAPTER_SCRIPT);
  });

  it("first run called the model per chapter", () => {
    expect(callsAfterFirstRun).toBe(3);
  });

  it("resume makes one call per chapter in all", () => {
    const titles = server.chatRequests().map(chapterTitleOf).sort();
    expect(server.chatCompletionCount).toBe(3);
    expect(titles).toEqual(["Keepers Today", "Lenses and Lamps", "The First Lights"]);
  });

  it("resumed run publishes every chapter", () => {
    expect(manifest.chapters.map((chapter) => chapter.title)).toEqual(["The First Lights", "Lenses and Lamps", "Keepers Today"]);
    expect(manifest.chapters.every((chapter) => chapter.video_url !== null)).toBe(true);
  });

  it("replayed script records the model writer", () => {
    const script = JSON.parse(readFileSync(fileURLToPath(manifest.chapters[0]!.script_url!), "utf8")) as ChapterScript;
    expect(script.writer).toEqual({ name: "openai", model: MODEL });
    expect(script.scenes[0]!.sentences[0]!.text).toBe("Early harbour lights were open fires on hilltops.");
  });

  it("workspace never contains the API key", async () => {
    const entries = await readdir(config.workspace, { recursive: true, withFileTypes: true });
    const files = entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
    expect(files.some((file) => file.includes(`${RUN_ID}/calls/writeScript`))).toBe(true);
    for (const file of files) expect(readFileSync(file).includes(API_KEY), file).toBe(false);
  });

  it("archive holds one success per chapter", async () => {
    const records = await listCallRecords(createServices(config).storage, RUN_ID);
    const successes = records
      .filter((record) => record.node === "writeScript" && record.status === "success")
      .map((record) => record.chapterIndex);
    expect(successes.sort()).toEqual([0, 1, 2]);
  });
});
