/**
 * The vertex script writer against a fake Gemini server. ChatVertexAI only
 * builds `https://` URLs on Google's hosts, so the test provider rewrites the
 * express mode origin to the local server in the client's fetch. Everything
 * else (request body, streaming, retries, archive and replay) is the real path.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { VertexChatProvider } from "../../../src/adapters/llm/vertex-chat.js";
import { LocalStorageAdapter } from "../../../src/adapters/storage/local.js";
import type { CallArchiveHandler } from "../../../src/archive/call-archive-handler.js";
import { listCallRecords } from "../../../src/archive/call-record.js";
import { LlmScriptWriter } from "../../../src/script/llm-script-writer.js";
import { ChapterScriptSchema, type ScriptRequest } from "../../../src/script/script-schema.js";
import { startFakeGeminiServer, type FakeGeminiServer } from "../../fakes/gemini-server.js";

const API_KEY = "AIzaFakeVertexExpressKey0123456789abcdef";
const MODEL = "gemini-2.0-flash";
const RUN_ID = "run-vertex";
const GOOGLE_ORIGIN = "https://aiplatform.googleapis.com";

const REQUEST: ScriptRequest = {
  chapterIndex: 0,
  chapterTitle: "Keepers Today",
  text: "Most lights now run without keepers. Sensors switch the lamp on at dusk and report faults by radio. Volunteers still visit many towers to keep them painted and safe.",
  textOffset: 0,
  language: "en",
  targetSeconds: 8,
  minSeconds: 4,
  maxSeconds: 12,
  wordsPerMinute: 160,
  relatedChunks: [],
};

const VALID_SCRIPT = JSON.stringify({
  scenes: [
    {
      title: "Lights without keepers",
      keyPoints: ["Sensors switch the lamp on", "Volunteers keep towers safe"],
      sentences: ["Most lights now run without keepers.", "Sensors switch the lamp on at dusk and report faults by radio."],
      sourceChunkIds: [],
    },
  ],
});

/** The real provider, with the client's fetch sent to the fake server instead of Google. */
class LocalVertexProvider extends VertexChatProvider {
  constructor(private readonly origin: string) {
    super({ model: MODEL, apiKey: API_KEY, maxRetries: 1 });
  }

  override createModel(archive: CallArchiveHandler): BaseChatModel {
    const model = super.createModel(archive);
    const client = (model as unknown as { connection: { client: { _fetch: typeof fetch } } }).connection.client;
    client._fetch = (url, init) => fetch(String(url).replace(GOOGLE_ORIGIN, this.origin), init);
    return model;
  }
}

describe("vertex script writer", () => {
  let server: FakeGeminiServer;
  let root: string;
  let storage: LocalStorageAdapter;

  beforeAll(async () => {
    server = await startFakeGeminiServer();
  });

  afterAll(async () => {
    await server?.close();
  });

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "doc2video-vertex-"));
    storage = new LocalStorageAdapter(root);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  function newWriter(): LlmScriptWriter {
    return new LlmScriptWriter({ provider: new LocalVertexProvider(server.origin), archive: { storage, runId: RUN_ID, node: "writeScript" } });
  }

  it("writes a valid script", async () => {
    server.enqueue({ text: VALID_SCRIPT });
    const script = await newWriter().write(REQUEST);

    expect(ChapterScriptSchema.safeParse(script).success).toBe(true);
    expect(script.writer).toEqual({ name: "vertex", model: MODEL });
    expect(script.scenes[0]!.sentences[1]!.text).toBe("Sensors switch the lamp on at dusk and report faults by radio.");
  });

  it("streams from the express mode path with the key header", async () => {
    server.enqueue({ text: VALID_SCRIPT });
    await newWriter().write(REQUEST);
    const request = server.requests.at(-1)!;

    expect(request.path).toBe(`/v1/publishers/google/models/${MODEL}:streamGenerateContent`);
    expect(request.apiKey).toBe(API_KEY);
  });

  it("sends the response schema", async () => {
    server.enqueue({ text: VALID_SCRIPT });
    await newWriter().write(REQUEST);
    const config = server.requests.at(-1)!.body.generationConfig as { responseMimeType?: string; responseSchema?: { properties?: object } };

    expect(config.responseMimeType).toBe("application/json");
    expect(Object.keys(config.responseSchema!.properties!)).toEqual(["scenes"]);
  });

  it("replays the archived response on resume", async () => {
    server.enqueue({ text: VALID_SCRIPT });
    const first = await newWriter().write(REQUEST);
    const requestsBefore = server.requests.length;
    const second = await newWriter().write(REQUEST);

    expect(server.requests.length).toBe(requestsBefore);
    expect(second).toEqual(first);
  });

  it("retries a 503 and archives both attempts", async () => {
    server.enqueue({ status: 503, message: "overloaded" }, { text: VALID_SCRIPT });
    await newWriter().write(REQUEST);
    const statuses = (await listCallRecords(storage, RUN_ID, { node: "writeScript", chapterIndex: 0 })).map((record) => record.status).sort();

    expect(statuses).toEqual(["failed-attempt", "success"]);
  }, 20_000);

  it("keeps the API key out of the archive", async () => {
    server.enqueue({ text: VALID_SCRIPT });
    await newWriter().write(REQUEST);
    const entries = await readdir(root, { recursive: true, withFileTypes: true });
    const files = entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));

    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(await readFile(file, "utf8")).not.toContain(API_KEY);
  });
});
