import { describe, expect, it } from "vitest";
import { loadConfig, type ScriptWriterName } from "../../src/config.js";
import { ConfigError } from "../../src/errors.js";
import { createScriptWriter } from "../../src/script/script-writer-factory.js";

const config = loadConfig({ workspace: "/tmp/doc2video-script-factory" }, {});

describe("createScriptWriter", () => {
  it("creates the offline extractive writer", () => {
    expect(createScriptWriter("offline", config).name).toBe("offline-extractive");
  });

  it.each(["openai", "vertex"] as const)("rejects %s as not available yet", (name) => {
    expect(() => createScriptWriter(name, config)).toThrow(ConfigError);
  });

  it("tells the user how to fall back to the offline writer", () => {
    expect(() => createScriptWriter("openai", config)).toThrow(
      'script writer "openai" (model gpt-4o-mini) is not available yet; set SCRIPT_WRITER=offline to use the offline extractive writer',
    );
  });

  it("rejects an unknown name", () => {
    expect(() => createScriptWriter("gpt" as ScriptWriterName, config)).toThrow('unknown script writer "gpt"');
  });
});
