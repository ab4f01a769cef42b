/**
 * A chat model backend for the LLM script writer: how to build the
 * LangChain model with the call archive attached, and which call options
 * make it respond with JSON that matches a schema.
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { CallArchiveHandler } from "../../archive/call-archive-handler.js";
import type { JsonSchema } from "../../script/model-script-schema.js";

/** Model call options as plain data, so they can be hashed with the call. */
export type ChatCallOptions = Record<string, unknown>;

/** One chat model backend (OpenAI-compatible, Vertex AI). */
export interface ChatModelProvider {
  /** Backend name, recorded as the script's writer name: `openai` or `vertex`. */
  readonly name: string;
  /** Model name, recorded with the script. */
  readonly model: string;
  /** Configured secret values (API keys), removed from anything archived. */
  readonly knownSecrets: readonly string[];
  /**
   * Builds the model with `archive` as its callback handler and its
   * `onFailedAttempt` hook, so every attempt, failed or not, is archived.
   */
  createModel(archive: CallArchiveHandler): BaseChatModel;
  /** Returns the call options that make the model respond with JSON matching `schema`. */
  jsonOutputOptions(schema: JsonSchema, schemaName: string): ChatCallOptions;
}
