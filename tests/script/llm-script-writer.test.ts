import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ModelCallError } from "../../src/adapters/llm/model-call-error.js";
import { OpenAiChatProvider } from "../../src/adapters/llm/openai-chat.js";
import { LocalStorageAdapter } from "../../src/adapters/storage/local.js";
import { listCallRecords } from "../../src/archive/call-record.js";
import { ScriptValidationError } from "../../src/errors.js";
import { LlmScriptWriter } from "../../src/script/llm-script-writer.js";
import { ChapterScriptSchema, type ScriptRequest } from "../../src/script/script-schema.js";
import { startFakeOpenAiServer, type ChatReply, type FakeOpenAiServer, type WireMessage } from "../fakes/openai-server.js";

const API_KEY = "sk-test-llm-writer-0123456789";
const MODEL = "test-chat-model";
const RUN_ID = "run-llm";
const CONTEXT = { node: "writeScript", chapterIndex: 2 };

const CHAPTER_TEXT = [
  "The first lighthouses were open fires on hilltops near busy harbours.",
  "Keepers carried wood and coal up the hill every evening and fed the fire through the night.",
  "Smoke and rain often hid the light, so ships still ran aground on the rocks.",
  "",
  "In 1822 a French engineer designed a lens built from rings of glass prisms.",
  "The lens gathered the light of one lamp into a narrow beam that sailors could see many miles away.",
  "Later lenses turned on a bed of mercury, which gave every lighthouse its own rhythm of flashes.",
].join("\n");

const RELATED = [
  { id: "chunk-a", chapterTitle: "Keepers Today", text: "Most lights now run without keepers, and sensors switch the lamp on at dusk." },
  { id: "chunk-b", chapterTitle: "Famous Towers", text: "The tower at Alexandria stood for many centuries." },
];

function scriptRequest(overrides: Partial<ScriptRequest> = {}): ScriptRequest {
  return {
    chapterIndex: 2,
    chapterTitle: "Lenses and Lamps",
    text: CHAPTER_TEXT,
    textOffset: 500,
    language: "en",
    targetSeconds: 20,
    minSeconds: 10,
    maxSeconds: 40,
    wordsPerMinute: 150,
    relatedChunks: RELATED,
    ...overrides,
  };
}

/** A valid response to `scriptRequest()`: about 60 words, faithful to the chapter. */
const VALID_RESPONSE = {
  scenes: [
    {
      title: "Fires on the hills",
      keyPoints: ["Open fires on hilltops", "Smoke and rain hid the light"],
      sentences: [
        "The first lighthouses were open fires on hilltops near busy harbours.",
        "Keepers fed the fire through the night, but smoke and rain often hid the light.",
      ],
      sourceChunkIds: [],
    },
    {
      title: "The lens",
      keyPoints: ["A lens of glass prisms from 1822", "A narrow beam seen for miles"],
      sentences: [
        "In 1822 a French engineer designed a lens built from rings of glass prisms.",
        "It gathered the light of one lamp into a narrow beam, and today sensors switch the lamp on at dusk.",
      ],
      sourceChunkIds: ["chunk-a"],
    },
  ],
};

function lastUserText(messages: WireMessage[]): string {
  const last = [...messages].reverse().find((message) => message.role === "user");
  return typeof last?.content === "string" ? last.content : JSON.stringify(last?.content);
}

/** Reads every file under `folder`, recursively, as text. */
async function readAllFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
  return Promise.all(files.map((file) => readFile(file, "utf8")));
}

describe("LlmScriptWriter", () => {
  let server: FakeOpenAiServer;
  let root: string;
  let storage: LocalStorageAdapter;

  beforeAll(async () => {
    server = await startFakeOpenAiServer();
  });

  afterAll(async () => {
    await server?.close();
  });

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "doc2video-llm-writer-"));
    storage = new LocalStorageAdapter(root);
    server.respondWith(() => ({ json: VALID_RESPONSE }));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** Builds a new writer, as a new process would; `runId` scopes the archive. */
  function newWriter(runId = RUN_ID, maxResponseAttempts?: number): LlmScriptWriter {
    const provider = new OpenAiChatProvider({ apiKey: API_KEY, model: MODEL, baseUrl: server.baseURL });
    return new LlmScriptWriter({ provider, archive: { storage, runId, node: "writeScript" }, maxResponseAttempts });
  }

  async function countNewChatCalls(action: () => Promise<unknown>): Promise<number> {
    const before = server.chatCompletionCount;
    await action();
    return server.chatCompletionCount - before;
  }

  it("writes a valid script from the model's JSON", async () => {
    const script = await newWriter().write(scriptRequest());

    expect(ChapterScriptSchema.safeParse(script).success).toBe(true);
    expect(script.chapterIndex).toBe(2);
    expect(script.chapterTitle).toBe("Lenses and Lamps");
    expect(script.scenes.map((scene) => scene.title)).toEqual(["Fires on the hills", "The lens"]);
    expect(script.scenes[1]!.sentences[0]!.text).toBe("In 1822 a French engineer designed a lens built from rings of glass prisms.");
    expect(script.scenes[1]!.sourceChunkIds).toEqual(["chunk-a"]);
    expect(script.estimatedSeconds).toBeGreaterThan(20);
    expect(script.estimatedSeconds).toBeLessThan(30);
  });

  it("records the writer name and model", async () => {
    const script = await newWriter().write(scriptRequest());
    expect(script.writer).toEqual({ name: "openai", model: MODEL });
  });

  it("asks for strict JSON schema output", async () => {
    await newWriter().write(scriptRequest());
    const format = server.chatRequests().at(-1)!.response_format!;

    expect(format.type).toBe("json_schema");
    expect(format.json_schema!.strict).toBe(true);
    expect(format.json_schema!.name).toBe("chapter_script");
    expect(Object.keys(format.json_schema!.schema.properties as object)).toEqual(["scenes"]);
    expect(JSON.stringify(format.json_schema!.schema)).not.toContain("minLength");
  });

  it("prompt carries chapter, length and related chunks", async () => {
    await newWriter().write(scriptRequest());
    const messages = server.chatRequests().at(-1)!.messages;
    const system = String(messages[0]!.content);
    const user = lastUserText(messages);

    expect(messages[0]!.role).toBe("system");
    expect(system).toContain("Be faithful to the source");
    expect(system).toContain("about 20 seconds of speech at 150 words per minute, that is about 50 words");
    expect(user).toContain("Chapter 3: Lenses and Lamps");
    expect(user).toContain("Keepers carried wood and coal up the hill");
    expect(user).toContain('[id: chunk-a] from "Keepers Today"');
    expect(user).toContain('[id: chunk-b] from "Famous Towers"');
  });

  it("trims the chapter text to the prompt budget", async () => {
    const provider = new OpenAiChatProvider({ apiKey: API_KEY, model: MODEL, baseUrl: server.baseURL });
    const writer = new LlmScriptWriter({
      provider,
      archive: { storage, runId: RUN_ID, node: "writeScript" },
      budget: { maxChapterChars: 300, maxChunkChars: 40 },
    });
    await writer.write(scriptRequest());
    const user = lastUserText(server.chatRequests().at(-1)!.messages);

    expect(user).toContain("Smoke and rain often hid the light");
    expect(user).not.toContain("rhythm of flashes");
    expect(user).toContain("The chapter continues; only its first");
    expect(user).not.toContain("switch the lamp on at dusk");
  });

  it("archives the call under run, node and chapter", async () => {
    await newWriter().write(scriptRequest());
    const records = await listCallRecords(storage, RUN_ID, CONTEXT);

    expect(records).toHaveLength(1);
    expect(records[0]!.status).toBe("success");
    expect(records[0]!.provider).toBe("openai");
    expect(records[0]!.model).toBe(MODEL);
    expect(records[0]!.kind).toBe("chat");
  });

  it("replays the archived response on resume", async () => {
    const firstCalls = await countNewChatCalls(() => newWriter().write(scriptRequest()));
    let replayed: unknown;
    const secondCalls = await countNewChatCalls(async () => {
      replayed = await newWriter().write(scriptRequest());
    });

    expect(firstCalls).toBe(1);
    expect(secondCalls).toBe(0);
    expect(replayed).toEqual(await newWriter().write(scriptRequest()));
  });

  it("calls again for another run", async () => {
    await newWriter("run-one").write(scriptRequest());
    const calls = await countNewChatCalls(() => newWriter("run-two").write(scriptRequest()));
    expect(calls).toBe(1);
  });

  it("calls again when the chapter changed", async () => {
    await newWriter().write(scriptRequest());
    const calls = await countNewChatCalls(() => newWriter().write(scriptRequest({ targetSeconds: 25 })));
    expect(calls).toBe(1);
  });

  it("retries a 500 and archives both attempts", async () => {
    server.enqueueChat({ status: 500, message: "upstream overloaded" });
    const calls = await countNewChatCalls(async () => {
      const script = await newWriter().write(scriptRequest());
      expect(ChapterScriptSchema.safeParse(script).success).toBe(true);
    });
    const records = (await listCallRecords(storage, RUN_ID, CONTEXT)).sort((left, right) => left.attempt - right.attempt);

    expect(calls).toBe(2);
    expect(records.map((record) => record.status)).toEqual(["failed-attempt", "success"]);
    expect(records[0]!.error).toMatchObject({ status: 500, message: expect.stringContaining("upstream overloaded") });
    expect(records[1]!.callHash).toBe(records[0]!.callHash);
  }, 20_000);

  it("retries a 429 with a retry-after hint", async () => {
    server.enqueueChat({ status: 429, message: "Rate limit reached", code: "rate_limit_exceeded", retryAfterSeconds: 0 });
    const calls = await countNewChatCalls(() => newWriter().write(scriptRequest()));
    const statuses = (await listCallRecords(storage, RUN_ID, CONTEXT)).map((record) => record.status).sort();

    expect(calls).toBe(2);
    expect(statuses).toEqual(["failed-attempt", "success"]);
  }, 20_000);

  it("fails on a 429 without a retry-after hint", async () => {
    // LangChain (@langchain/core 1.4) treats a 429 without a hint as a capacity limit and stops retrying.
    server.enqueueChat({ status: 429, message: "Rate limit reached", code: "rate_limit_exceeded" });
    const calls = await countNewChatCalls(async () => {
      await expect(newWriter().write(scriptRequest())).rejects.toThrow(ModelCallError);
    });
    expect(calls).toBe(1);
  });

  it("feeds a validation error back to the model", async () => {
    server.enqueueChat({ text: "Here is your script: scenes..." });
    const script = await newWriter().write(scriptRequest());
    const retry = server.chatRequests().at(-1)!.messages;

    expect(ChapterScriptSchema.safeParse(script).success).toBe(true);
    expect(retry.at(-2)).toEqual({ role: "assistant", content: "Here is your script: scenes..." });
    expect(lastUserText(retry)).toContain("the response is not valid JSON");
  });

  it("archives an invalid response with its error", async () => {
    server.enqueueChat({ json: { scenes: [{ ...VALID_RESPONSE.scenes[0], keyPoints: ["only one"] }] } });
    await newWriter().write(scriptRequest());
    const rejected = (await listCallRecords(storage, RUN_ID, CONTEXT)).filter((record) => record.status === "failed-attempt");

    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.error!.name).toBe("ScriptValidationError");
    expect(rejected[0]!.error!.message).toContain("scenes.0.keyPoints");
    expect((rejected[0]!.output as { text: string }).text).toContain("only one");
  });

  it("rejects an unknown source chunk id", async () => {
    const unknownId = { scenes: [{ ...VALID_RESPONSE.scenes[0], sourceChunkIds: ["chunk-z"] }, VALID_RESPONSE.scenes[1]] };
    server.enqueueChat({ json: unknownId });
    await newWriter().write(scriptRequest());
    expect(lastUserText(server.chatRequests().at(-1)!.messages)).toContain(
      'scenes.0.sourceChunkIds: unknown id "chunk-z"; the related passage ids are: chunk-a, chunk-b',
    );
  });

  it("rejects a number the source lacks", async () => {
    const invented = structuredClone(VALID_RESPONSE);
    invented.scenes[1]!.sentences[0] = "In 1851 a French engineer designed a lens built from rings of glass prisms.";
    server.enqueueChat({ json: invented });
    await newWriter().write(scriptRequest());
    expect(lastUserText(server.chatRequests().at(-1)!.messages)).toContain("the number 1851 does not appear");
  });

  it("rejects narration beyond the maximum length", async () => {
    const long = structuredClone(VALID_RESPONSE);
    long.scenes[0]!.sentences = Array.from({ length: 12 }, () => CHAPTER_TEXT.split("\n")[1]!);
    server.enqueueChat({ json: long });
    await newWriter().write(scriptRequest());
    expect(lastUserText(server.chatRequests().at(-1)!.messages)).toMatch(/outside the allowed 25 to 100 words; shorten it/);
  });

  it("replays invalid and valid responses on resume", async () => {
    server.enqueueChat({ text: "not json" });
    const firstCalls = await countNewChatCalls(() => newWriter().write(scriptRequest()));
    const secondCalls = await countNewChatCalls(() => newWriter().write(scriptRequest()));

    expect(firstCalls).toBe(2);
    expect(secondCalls).toBe(0);
  });

  it("gives up after the response limit", async () => {
    const invalid: ChatReply = { text: "{}" };
    server.enqueueChat(invalid, invalid);
    const writer = newWriter(RUN_ID, 2);

    await expect(writer.write(scriptRequest())).rejects.toThrow(ScriptValidationError);
    await expect(newWriter(RUN_ID, 2).write(scriptRequest())).rejects.toThrow(
      /openai model test-chat-model gave no valid script for chapter 3 \("Lenses and Lamps"\) in 2 responses; last problems: scenes: /,
    );
  });

  it("reports a failed call as ModelCallError", async () => {
    server.enqueueChat({ status: 401, message: `Incorrect API key provided: ${API_KEY}.` });
    const failure = newWriter().write(scriptRequest());

    await expect(failure).rejects.toThrow(ModelCallError);
    await expect(failure).rejects.toThrow(/^openai model test-chat-model failed to write chapter 3 \("Lenses and Lamps"\): .*Incorrect API key/);
    await expect(failure).rejects.not.toThrow(API_KEY);
  });

  it("keeps the API key out of the archive", async () => {
    server.enqueueChat({ status: 500, message: `upstream rejected key ${API_KEY}` }, { text: `echo ${API_KEY}` });
    await newWriter().write(scriptRequest({ text: `${CHAPTER_TEXT}\nThe key ${API_KEY} was printed on the tower.` }));
    const archived = await readAllFiles(root);

    expect(server.requests.at(-1)!.authorization).toBe(`Bearer ${API_KEY}`);
    expect(archived.length).toBeGreaterThanOrEqual(3);
    for (const text of archived) expect(text).not.toContain(API_KEY);
    expect(archived.join("\n")).toContain("[redacted]");
  }, 20_000);

  it("stops before calling when aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const calls = await countNewChatCalls(async () => {
      await expect(newWriter().write(scriptRequest({ signal: controller.signal }))).rejects.toThrow(/abort/i);
    });
    expect(calls).toBe(0);
  });
});
