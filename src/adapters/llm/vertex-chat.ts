/**
 * Gemini models on Vertex AI through LangChain's `ChatVertexAI`.
 *
 * NOTE: the Google client builds `https://` URLs on Google's hosts and
 * offers no base URL setting. The tests reach a local fake server only in
 * express mode (API key), by rewriting the URL in the client's fetch. The
 * project path with OAuth tokens from Application Default Credentials has
 * not been run against any server.
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { ChatVertexAI } from "@langchain/google-vertexai";
import type { CallArchiveHandler } from "../../archive/call-archive-handler.js";
import { withoutSchemaKeywords, type JsonSchema } from "../../script/model-script-schema.js";
import type { ChatCallOptions, ChatModelProvider } from "./chat-model-provider.js";

/**
 * Settings of the Vertex AI chat backend: an express mode API key, or a
 * project with Application Default Credentials. Those come from the file
 * named by `GOOGLE_APPLICATION_CREDENTIALS`, which google-auth-library reads
 * itself, or from `gcloud auth application-default login`.
 */
export interface VertexChatSettings {
  model: string;
  /** Vertex AI express mode key; when set, `project` is not used. */
  apiKey?: string;
  project?: string;
  /** Region, for example `us-central1`; the client's default when omitted. */
  location?: string;
  /** Retries after a failed request (5xx, network, 429 with a retry-after hint); LangChain's own default is 6. */
  maxRetries?: number;
}

const DEFAULT_MAX_RETRIES = 2;

// Gemini's response schema is an OpenAPI subset without `additionalProperties`.
const KEYWORDS_GEMINI_REJECTS = new Set(["additionalProperties"]);

/** Gemini with structured output through `responseSchema` (JSON response MIME type). */
export class VertexChatProvider implements ChatModelProvider {
  readonly name = "vertex";
  readonly model: string;
  readonly knownSecrets: readonly string[];

  constructor(private readonly settings: VertexChatSettings) {
    this.model = settings.model;
    this.knownSecrets = settings.apiKey ? [settings.apiKey] : [];
  }

  createModel(archive: CallArchiveHandler): BaseChatModel {
    const { apiKey, project, location } = this.settings;
    return new ChatVertexAI({
      model: this.settings.model,
      // google-auth-library 11 deprecates `keyFilename` and `credentials` with a warning, so the key file is left to ADC.
      ...(apiKey ? { apiKey } : { authOptions: { projectId: project } }),
      ...(location ? { location } : {}),
      maxRetries: this.settings.maxRetries ?? DEFAULT_MAX_RETRIES,
      onFailedAttempt: archive.onFailedAttempt,
      callbacks: [archive],
    });
  }

  jsonOutputOptions(schema: JsonSchema, _schemaName: string): ChatCallOptions {
    return { responseSchema: withoutSchemaKeywords(schema, KEYWORDS_GEMINI_REJECTS) };
  }
}
