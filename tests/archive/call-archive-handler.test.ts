import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { ChatOpenAI } from "@langchain/openai";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LocalStorageAdapter } from "../../src/adapters/storage/local.js";
import { CallArchiveHandler } from "../../src/archive/call-archive-handler.js";
import { findArchivedResponse, listCallRecords, type CallRecord } from "../../src/archive/call-record.js";
import { startOpenAiCompatibleServer, type OpenAiCompatibleServer } from "./openai-compatible-server.js";

const API_KEY = "sk-test-secret-123";

/** Reads every file under `folder`, recursively, as text. */
async function readAllFiles(folder: string): Promise<{ file: string; text: string }[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
  return Promise.all(files.map(async (file) => ({ file, text: await readFile(file, "utf8") })));
}

describe("CallArchiveHandler", () => {
  let server: OpenAiCompatibleServer;
  let root: string;
  let storage: LocalStorageAdapter;

  beforeAll(async () => {
    server = await startOpenAiCompatibleServer();
  });

  afterAll(async () => {
    await server?.close();
  });

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "doc2video-archive-"));
    storage = new LocalStorageAdapter(root);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  function chatModel(handler: CallArchiveHandler, maxRetries = 0): ChatOpenAI {
    return new ChatOpenAI({
      model: "gpt-4o-mini",
      temperature: 0.2,
      apiKey: API_KEY,
      configuration: { baseURL: server.baseURL },
      maxRetries,
      onFailedAttempt: handler.onFailedAttempt,
      callbacks: [handler],
    });
  }

  function newHandler(chapterIndex = 0): CallArchiveHandler {
    return new CallArchiveHandler({ storage, runId: "run-1", context: { node: "writeScript", chapterIndex } });
  }

  it("successful call is archived", async () => {
    const handler = newHandler();
    const reply = await chatModel(handler).invoke([new SystemMessage("You write scripts."), new HumanMessage("Chapter one")]);
    expect(reply.content).toBe("echo: Chapter one");

    const records = await listCallRecords(storage, "run-1", { node: "writeScript", chapterIndex: 0 });
    expect(records).toHaveLength(1);
    const record = records[0]!;
    expect(handler.writtenKeys[0]).toBe(`runs/run-1/calls/writeScript/ch01/${record.callHash}-1.json`);
    expect(record.status).toBe("success");
    expect(record.kind).toBe("chat");
    expect(record.provider).toBe("openai");
    expect(record.model).toBe("gpt-4o-mini");
    expect((record.params as { temperature?: number }).temperature).toBe(0.2);
    expect(record.input).toEqual({
      messages: [
        { type: "system", content: "You write scripts." },
        { type: "human", content: "Chapter one" },
      ],
    });
    expect((record.output as { text: string }).text).toBe("echo: Chapter one");
    expect(record.tokenUsage).toEqual({ inputTokens: 11, outputTokens: 7, totalTokens: 18 });
    expect(record.latencyMs).toBeGreaterThanOrEqual(0);
    expect(record.error).toBeUndefined();
  });

  it("500 then success archives both attempts", async () => {
    const handler = newHandler();
    server.failNext(1, 500);
    const reply = await chatModel(handler, 2).invoke("Chapter two");
    expect(reply.content).toBe("echo: Chapter two");

    const records = (await listCallRecords(storage, "run-1")).sort((a, b) => a.attempt - b.attempt);
    expect(records.map((record) => record.status)).toEqual(["failed-attempt", "success"]);
    expect(records.map((record) => record.attempt)).toEqual([1, 2]);
    expect(records[0]?.callHash).toBe(records[1]?.callHash);
    expect(records[0]?.error?.status).toBe(500);
    expect(records[0]?.error?.message).toContain("injected failure 500");
  });

  it("failure without retries is archived", async () => {
    const handler = newHandler();
    server.failNext(1, 500);
    await expect(chatModel(handler, 0).invoke("Chapter three")).rejects.toThrow();
    const records = await listCallRecords(storage, "run-1");
    expect(records).toHaveLength(1);
    expect(records[0]?.status).toBe("failed-attempt");
    expect(records[0]?.error?.status).toBe(500);
  });

  it("error callback archives when no retry hook", async () => {
    const handler = newHandler();
    const model = new ChatOpenAI({
      model: "gpt-4o-mini",
      apiKey: API_KEY,
      configuration: { baseURL: server.baseURL },
      maxRetries: 0,
      callbacks: [handler],
    });
    server.failNext(1, 503);
    await expect(model.invoke("Chapter four")).rejects.toThrow();
    const records = await listCallRecords(storage, "run-1");
    expect(records.map((record) => record.status)).toEqual(["error"]);
    expect(records[0]?.error?.status).toBe(503);
  });

  it("api key appears in no archive file", async () => {
    const handler = newHandler();
    server.failNext(1, 500);
    await chatModel(handler, 2).invoke(`Please ignore this pasted key ${API_KEY} in the prompt`);
    server.failNext(1, 401);
    await expect(chatModel(handler, 0).invoke("Unauthorised")).rejects.toThrow();

    const authorizations = server.requests.map((request) => request.authorization);
    expect(authorizations).toContain(`Bearer ${API_KEY}`);
    const files = await readAllFiles(root);
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const { file, text } of files) {
      expect(text, file).not.toContain(API_KEY);
    }
    expect(files.some(({ text }) => text.includes("pasted key [redacted] in the prompt"))).toBe(true);
  });

  it("same input gives the same call hash", async () => {
    const handler = newHandler();
    const model = chatModel(handler);
    await model.invoke("Same prompt");
    await model.invoke("Same prompt");
    await model.invoke("Other prompt");
    const records = await listCallRecords(storage, "run-1");
    const hashes = records.map((record) => record.callHash);
    expect(new Set(hashes).size).toBe(2);
    const same = records.filter((record) => (record.output as { text: string }).text === "echo: Same prompt");
    expect(same.map((record) => record.attempt).sort()).toEqual([1, 2]);
  });

  it("resumed handler continues attempt numbers", async () => {
    await chatModel(newHandler()).invoke("Resume me");
    const second = newHandler();
    await chatModel(second).invoke("Resume me");
    expect(second.writtenKeys[0]).toMatch(/-2\.json$/);
    expect(second.writeFailures).toEqual([]);
  });

  it("chapter selects the archive folder", async () => {
    const handler = newHandler(4);
    await chatModel(handler).invoke("Chapter five");
    expect(handler.writtenKeys[0]).toMatch(/^runs\/run-1\/calls\/writeScript\/ch05\//);
  });

  it("findArchivedResponse returns the success", async () => {
    const handler = newHandler();
    server.failNext(1, 500);
    await chatModel(handler, 1).invoke("Replay me");
    const [record] = (await listCallRecords(storage, "run-1")).filter((candidate: CallRecord) => candidate.status === "success");
    const found = await findArchivedResponse(storage, "run-1", record!.callHash);
    expect(found?.status).toBe("success");
    expect((found?.output as { text: string }).text).toBe("echo: Replay me");
    expect(await findArchivedResponse(storage, "run-1", "0".repeat(32))).toBeUndefined();
  });
});
