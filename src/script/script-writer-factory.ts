/**
 * Creates the script writer named in the run options.
 */
import type { AppConfig, ScriptWriterName } from "../config.js";
import { ConfigError } from "../errors.js";
import { ExtractiveScriptWriter } from "./extractive-script-writer.js";
import type { ScriptWriter } from "./script-schema.js";

/** Returns the script writer for `name`; throws ConfigError for a writer that is not built yet or unknown. */
export function createScriptWriter(name: ScriptWriterName, config: AppConfig): ScriptWriter {
  switch (name) {
    case "offline":
      return new ExtractiveScriptWriter();
    case "openai":
    case "vertex": {
      // TODO: add the OpenAI and Vertex AI script writers; until then only the offline writer exists.
      const model = name === "openai" ? config.llm.openaiModel : config.llm.vertexModel;
      throw new ConfigError(
        `script writer "${name}" (model ${model}) is not available yet; set SCRIPT_WRITER=offline to use the offline extractive writer`,
      );
    }
    default: {
      const unknown: never = name;
      throw new ConfigError(`unknown script writer ${JSON.stringify(unknown)}; expected one of: offline, openai, vertex`);
    }
  }
}
