import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ChatVertexAI } from "@langchain/google-vertexai";
import { describe, expect, it } from "vitest";
import { VertexChatProvider } from "../../src/adapters/llm/vertex-chat.js";
import { LocalStorageAdapter } from "../../src/adapters/storage/local.js";
import { CallArchiveHandler } from "../../src/archive/call-archive-handler.js";
import { chatCallIdentity } from "../../src/archive/chat-call-identity.js";
import { loadConfig, type ScriptWriterName } from "../../src/config.js";
import { ConfigError } from "../../src/errors.js";
import { LlmScriptWriter } from "../../src/script/llm-script-writer.js";
import { modelScriptJsonSchema } from "../../src/script/model-script-schema.js";
import { buildScriptMessages } from "../../src/script/script-prompt.js";
import { createScriptWriter } from "../../src/script/script-writer-factory.js";

const WORKSPACE = "/tmp/doc2video-script-factory";
const config = loadConfig({ workspace: WORKSPACE }, {});
const storage = new LocalStorageAdapter(mkdtempSync(path.join(os.tmpdir(), "doc2video-factory-")));
const archive = { storage, runId: "run-factory", node: "writeScript" };

function configWith(env: Record<string, string>) {
  return loadConfig({ workspace: WORKSPACE }, env);
}

describe("createScriptWriter", () => {
  it("creates the offline extractive writer", () => {
    expect(createScriptWriter("offline", config).name).toBe("offline-extractive");
  });

  it("creates the openai writer", () => {
    const writer = createScriptWriter("openai", configWith({ OPENAI_API_KEY: "sk-test-factory-123456" }), archive);
    expect(writer).toBeInstanceOf(LlmScriptWriter);
    expect(writer.name).toBe("openai");
  });

  it("rejects openai without OPENAI_API_KEY", () => {
    expect(() => createScriptWriter("openai", config, archive)).toThrow(ConfigError);
    expect(() => createScriptWriter("openai", config, archive)).toThrow(
      'script writer "openai" (model gpt-4o-mini) needs an API key, but OPENAI_API_KEY is not set; ' +
        "set OPENAI_API_KEY (and OPENAI_BASE_URL for an OpenAI-compatible server), or set SCRIPT_WRITER=offline",
    );
  });

  it("creates the vertex writer for a project", () => {
    const writer = createScriptWriter("vertex", configWith({ GOOGLE_CLOUD_PROJECT: "doc2video-test" }), archive);
    expect(writer).toBeInstanceOf(LlmScriptWriter);
    expect(writer.name).toBe("vertex");
  });

  it("creates the vertex writer for an express mode key", () => {
    const writer = createScriptWriter("vertex", configWith({ GOOGLE_API_KEY: "AIza-test-key-for-factory" }), archive);
    expect(writer.name).toBe("vertex");
  });

  it("rejects vertex without project or key", () => {
    expect(() => createScriptWriter("vertex", config, archive)).toThrow(ConfigError);
    expect(() => createScriptWriter("vertex", config, archive)).toThrow(
      /needs a Google Cloud project or an API key, but neither VERTEX_PROJECT, GOOGLE_CLOUD_PROJECT nor GOOGLE_API_KEY is set/,
    );
  });

  it("rejects a missing credentials file", () => {
    const missing = path.join(os.tmpdir(), "doc2video-no-such-key.json");
    const withMissingFile = configWith({ GOOGLE_CLOUD_PROJECT: "doc2video-test", GOOGLE_APPLICATION_CREDENTIALS: missing });
    expect(() => createScriptWriter("vertex", withMissingFile, archive)).toThrow(ConfigError);
    expect(() => createScriptWriter("vertex", withMissingFile, archive)).toThrow(
      `cannot read the Google credentials file GOOGLE_APPLICATION_CREDENTIALS=${missing}: ENOENT`,
    );
  });

  it("rejects a credentials file without a type", () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "doc2video-key-")), "key.json");
    writeFileSync(file, JSON.stringify({ project_id: "doc2video-test" }));
    const withBadFile = configWith({ GOOGLE_CLOUD_PROJECT: "doc2video-test", GOOGLE_APPLICATION_CREDENTIALS: file });
    expect(() => createScriptWriter("vertex", withBadFile, archive)).toThrow(`GOOGLE_APPLICATION_CREDENTIALS=${file} is not a Google credentials file`);
  });

  it("rejects a model writer without a call archive", () => {
    expect(() => createScriptWriter("openai", configWith({ OPENAI_API_KEY: "sk-test-factory-123456" }))).toThrow(
      'script writer "openai" needs a call archive (storage and run id)',
    );
  });

  it("rejects an unknown name", () => {
    expect(() => createScriptWriter("gpt" as ScriptWriterName, config)).toThrow('unknown script writer "gpt"');
  });
});

describe("VertexChatProvider", () => {
  const provider = new VertexChatProvider({ model: "gemini-2.0-flash", project: "doc2video-test", location: "europe-west4" });
  const handler = new CallArchiveHandler({ storage, runId: "run-factory", context: { node: "writeScript", chapterIndex: 0 } });

  it("builds ChatVertexAI with the configured model", () => {
    const model = provider.createModel(handler);
    expect(model).toBeInstanceOf(ChatVertexAI);
    expect((model as ChatVertexAI).model).toBe("gemini-2.0-flash");
  });

  it("sends the schema as responseSchema without additionalProperties", () => {
    const options = provider.jsonOutputOptions(modelScriptJsonSchema(), "chapter_script");
    const schema = JSON.stringify(options.responseSchema);
    expect(schema).toContain('"scenes"');
    expect(schema).not.toContain("additionalProperties");
  });

  it("hashes its calls as google_vertexai", () => {
    const model = provider.createModel(handler);
    const messages = buildScriptMessages({
      chapterIndex: 0,
      chapterTitle: "One",
      text: "A short chapter.",
      textOffset: 0,
      language: "en",
      targetSeconds: 10,
      minSeconds: 5,
      maxSeconds: 20,
      wordsPerMinute: 150,
      relatedChunks: [],
    });
    const identity = chatCallIdentity(model, messages, provider.jsonOutputOptions(modelScriptJsonSchema(), "chapter_script"));
    expect(identity.provider).toBe("google_vertexai");
    expect(identity.model).toBe("gemini-2.0-flash");
    expect(identity.hash).toMatch(/^[0-9a-f]{32}$/);
  });
});
