/**
 * OpenAI chat completions, or any server that speaks the same protocol
 * (set `baseUrl`), through LangChain's `ChatOpenAI`.
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { ChatOpenAI } from "@langchain/openai";
import type { CallArchiveHandler } from "../../archive/call-archive-handler.js";
import type { JsonSchema } from "../../script/model-script-schema.js";
import type { ChatCallOptions, ChatModelProvider } from "./chat-model-provider.js";

/** Settings of the OpenAI chat backend. */
export interface OpenAiChatSettings {
  apiKey: string;
  model: string;
  /** Base URL of an OpenAI-compatible API, for example `http://127.0.0.1:8000/v1`. */
  baseUrl?: string;
  /** Retries after a failed request (5xx, network, 429 with a retry-after hint); LangChain's own default is 6. */
  maxRetries?: number;
  /** Per-request timeout in milliseconds. */
  timeoutMs?: number;
}

const DEFAULT_MAX_RETRIES = 2;
const DEFAULT_TIMEOUT_MS = 120_000;

/** Chat completions with structured output through `response_format: json_schema`. */
export class OpenAiChatProvider implements ChatModelProvider {
  readonly name = "openai";
  readonly model: string;
  readonly knownSecrets: readonly string[];

  constructor(private readonly settings: OpenAiChatSettings) {
    this.model = settings.model;
    this.knownSecrets = [settings.apiKey];
  }

  createModel(archive: CallArchiveHandler): BaseChatModel {
    return new ChatOpenAI({
      model: this.settings.model,
      apiKey: this.settings.apiKey,
      configuration: this.settings.baseUrl ? { baseURL: this.settings.baseUrl } : undefined,
      maxRetries: this.settings.maxRetries ?? DEFAULT_MAX_RETRIES,
      timeout: this.settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      onFailedAttempt: archive.onFailedAttempt,
      callbacks: [archive],
    });
  }

  jsonOutputOptions(schema: JsonSchema, schemaName: string): ChatCallOptions {
    return { response_format: { type: "json_schema", json_schema: { name: schemaName, strict: true, schema } } };
  }
}
