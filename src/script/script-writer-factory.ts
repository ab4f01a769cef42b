/**
 * Creates the script writer named in the run options.
 */
import { readFileSync } from "node:fs";
import type { ChatModelProvider } from "../adapters/llm/chat-model-provider.js";
import { OpenAiChatProvider } from "../adapters/llm/openai-chat.js";
import { VertexChatProvider } from "../adapters/llm/vertex-chat.js";
import type { AppConfig, ScriptWriterName } from "../config.js";
import { ConfigError } from "../errors.js";
import { ExtractiveScriptWriter } from "./extractive-script-writer.js";
import { LlmScriptWriter, type ScriptCallArchive } from "./llm-script-writer.js";
import type { ScriptWriter } from "./script-schema.js";

function openAiProvider(config: AppConfig): ChatModelProvider {
  const { openaiApiKey, openaiModel, openaiBaseUrl } = config.llm;
  if (!openaiApiKey) {
    throw new ConfigError(
      `script writer "openai" (model ${openaiModel}) needs an API key, but OPENAI_API_KEY is not set; ` +
        "set OPENAI_API_KEY (and OPENAI_BASE_URL for an OpenAI-compatible server), or set SCRIPT_WRITER=offline",
    );
  }
  return new OpenAiChatProvider({ apiKey: openaiApiKey, model: openaiModel, baseUrl: openaiBaseUrl });
}

function vertexProvider(config: AppConfig): ChatModelProvider {
  const { vertexModel, vertexProject, vertexLocation, googleApiKey, googleCredentialsFile } = config.llm;
  if (!googleApiKey && !vertexProject) {
    throw new ConfigError(
      `script writer "vertex" (model ${vertexModel}) needs a Google Cloud project or an API key, but neither ` +
        "VERTEX_PROJECT, GOOGLE_CLOUD_PROJECT nor GOOGLE_API_KEY is set; set GOOGLE_CLOUD_PROJECT and provide credentials " +
        "(GOOGLE_APPLICATION_CREDENTIALS or `gcloud auth application-default login`), set GOOGLE_API_KEY for Vertex AI express mode, " +
        "or set SCRIPT_WRITER=offline",
    );
  }
  if (!googleApiKey && googleCredentialsFile) checkCredentialsFile(googleCredentialsFile);
  return new VertexChatProvider({ model: vertexModel, apiKey: googleApiKey, project: vertexProject, location: vertexLocation });
}

/** Rejects a key file that cannot be read or is not a Google credentials JSON, before any model call. */
function checkCredentialsFile(file: string): void {
  let credentials: unknown;
  try {
    credentials = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError(
      `cannot read the Google credentials file GOOGLE_APPLICATION_CREDENTIALS=${file}: ${(error as Error).message}; ` +
        "point it at a service account key JSON file, or unset it to use `gcloud auth application-default login`",
      { cause: error },
    );
  }
  if (typeof (credentials as { type?: unknown } | null)?.type !== "string") {
    throw new ConfigError(
      `GOOGLE_APPLICATION_CREDENTIALS=${file} is not a Google credentials file (it has no "type" field); ` +
        "point it at a service account key JSON file, or unset it to use `gcloud auth application-default login`",
    );
  }
}

/**
 * Returns the script writer for `name`. The model-backed writers need
 * `archive`, where every model call is recorded and replayed from; they
 * throw ConfigError without it or without their credentials.
 */
export function createScriptWriter(name: ScriptWriterName, config: AppConfig, archive?: ScriptCallArchive): ScriptWriter {
  switch (name) {
    case "offline":
      return new ExtractiveScriptWriter();
    case "openai":
    case "vertex": {
      const provider = name === "openai" ? openAiProvider(config) : vertexProvider(config);
      if (!archive) {
        throw new ConfigError(
          `script writer "${name}" needs a call archive (storage and run id) so every model call is recorded; ` +
            "pass one as the third argument of createScriptWriter",
        );
      }
      return new LlmScriptWriter({ provider, archive });
    }
    default: {
      const unknown: never = name;
      throw new ConfigError(`unknown script writer ${JSON.stringify(unknown)}; expected one of: offline, openai, vertex`);
    }
  }
}
