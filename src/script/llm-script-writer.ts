/**
 * The model-backed script writer: requests the chapter's scenes from a chat
 * model as JSON, checks the response, and requests it again with the
 * problems listed when the response is invalid.
 *
 * Every model call goes through a `CallArchiveHandler` scoped to the run,
 * node and chapter. Before each call the writer computes the call hash and
 * looks for a successful response archived under it. When one exists, as
 * after a crash between the call and storing the script, it is replayed
 * instead of paying for the same call again.
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { BaseMessage, MessageContent } from "@langchain/core/messages";
import type { ChatCallOptions, ChatModelProvider } from "../adapters/llm/chat-model-provider.js";
import { ModelCallError } from "../adapters/llm/model-call-error.js";
import type { StorageAdapter } from "../adapters/storage/storage-adapter.js";
import { CallArchiveHandler } from "../archive/call-archive-handler.js";
import { chatCallIdentity, type ChatCallIdentity } from "../archive/chat-call-identity.js";
import { findArchivedResponse, writeCallRecord, type CallArchiveContext, type CallRecord } from "../archive/call-record.js";
import { redactSecrets, redactString } from "../archive/redact-secrets.js";
import { ScriptValidationError, isAbortError } from "../errors.js";
import { getLogger } from "../logger.js";
import { checkModelResponse } from "./model-response.js";
import { modelScriptJsonSchema } from "./model-script-schema.js";
import { buildScriptMessages, withValidationFeedback, DEFAULT_PROMPT_BUDGET, type PromptBudget } from "./script-prompt.js";
import type { ChapterScript, ScriptRequest, ScriptWriter } from "./script-schema.js";

const log = getLogger("llm-script-writer");

/** Responses requested per chapter by default: the first and two more after invalid ones. */
export const DEFAULT_MAX_RESPONSE_ATTEMPTS = 3;

/** Name of the response schema sent to the provider. */
const RESPONSE_SCHEMA_NAME = "chapter_script";

/** The run and node a writer archives its model calls under; the chapter comes from each request. */
export interface ScriptCallArchive {
  storage: StorageAdapter;
  runId: string;
  node: string;
}

/** Options of `LlmScriptWriter`. */
export interface LlmScriptWriterOptions {
  provider: ChatModelProvider;
  archive: ScriptCallArchive;
  /** Responses requested per chapter, counting requests after an invalid response; at least 1. */
  maxResponseAttempts?: number;
  budget?: PromptBudget;
}

/** One model response, fresh or replayed from the archive. */
interface ModelResponse {
  text: string;
  identity: ChatCallIdentity;
  replayed: boolean;
}

/** Returns the text of a message's content: the string itself, or its text blocks joined. */
function contentText(content: MessageContent): string {
  if (typeof content === "string") return content;
  return content
    .map((block) => (block.type === "text" && typeof block.text === "string" ? block.text : ""))
    .join("");
}

/** Returns the response text of an archived successful chat call. */
function archivedText(record: CallRecord): string | undefined {
  const output = record.output as { text?: unknown; generations?: { message?: { content?: MessageContent } }[] } | undefined;
  if (typeof output?.text === "string" && output.text.length > 0) return output.text;
  const content = output?.generations?.[0]?.message?.content;
  return content === undefined ? undefined : contentText(content);
}

/** Writes chapter scripts with a chat model; see the module comment for archiving and replay. */
export class LlmScriptWriter implements ScriptWriter {
  readonly name: string;
  private readonly provider: ChatModelProvider;
  private readonly archive: ScriptCallArchive;
  private readonly maxResponseAttempts: number;
  private readonly budget: PromptBudget;

  constructor(options: LlmScriptWriterOptions) {
    this.provider = options.provider;
    this.name = options.provider.name;
    this.archive = options.archive;
    this.maxResponseAttempts = Math.max(1, Math.floor(options.maxResponseAttempts ?? DEFAULT_MAX_RESPONSE_ATTEMPTS));
    this.budget = options.budget ?? DEFAULT_PROMPT_BUDGET;
  }

  /**
   * Writes the script of one chapter. Throws ScriptValidationError when
   * every response was invalid, and ModelCallError when a call failed after
   * the client's retries.
   */
  async write(request: ScriptRequest): Promise<ChapterScript> {
    request.signal?.throwIfAborted();
    const context: CallArchiveContext = { node: this.archive.node, chapterIndex: request.chapterIndex };
    const handler = new CallArchiveHandler({
      storage: this.archive.storage,
      runId: this.archive.runId,
      context,
      knownSecrets: this.provider.knownSecrets,
    });
    const model = this.provider.createModel(handler);
    const callOptions = this.provider.jsonOutputOptions(modelScriptJsonSchema(), RESPONSE_SCHEMA_NAME);
    const author = { name: this.name, model: this.provider.model };

    let messages = buildScriptMessages(request, this.budget);
    let problems: string[] = [];
    for (let attempt = 1; attempt <= this.maxResponseAttempts; attempt++) {
      const response = await this.respond(model, messages, callOptions, context, request);
      const checked = checkModelResponse(response.text, request, author);
      if (checked.ok) {
        log.debug({ runId: this.archive.runId, chapterIndex: request.chapterIndex, attempt, replayed: response.replayed }, "model script accepted");
        return checked.script;
      }
      problems = checked.problems;
      log.warn(
        { runId: this.archive.runId, chapterIndex: request.chapterIndex, attempt, callHash: response.identity.hash, problems },
        "model script rejected",
      );
      // A replayed response was archived as invalid when it first came in.
      if (!response.replayed) await this.archiveRejection(response, problems, context);
      messages = withValidationFeedback(messages, response.text, problems);
    }
    throw new ScriptValidationError(
      `${this.name} model ${this.provider.model} gave no valid script for chapter ${request.chapterIndex + 1} ("${request.chapterTitle}") ` +
        `in ${this.maxResponseAttempts} responses; last problems: ${problems.join("; ")}. ` +
        "Try a stronger model (OPENAI_MODEL or VERTEX_MODEL) or SCRIPT_WRITER=offline",
    );
  }

  /** Replays the archived response to this exact call, or calls the model. */
  private async respond(
    model: BaseChatModel,
    messages: BaseMessage[],
    callOptions: ChatCallOptions,
    context: CallArchiveContext,
    request: ScriptRequest,
  ): Promise<ModelResponse> {
    const identity = chatCallIdentity(model, messages, callOptions, this.provider.knownSecrets);
    const archived = await findArchivedResponse(this.archive.storage, this.archive.runId, identity.hash, context);
    const archivedResponse = archived && archivedText(archived);
    if (archivedResponse !== undefined) {
      log.info({ runId: this.archive.runId, chapterIndex: request.chapterIndex, callHash: identity.hash }, "replayed archived model response");
      return { text: archivedResponse, identity, replayed: true };
    }

    try {
      // Streamed, because `invoke` on ChatOpenAI (@langchain/openai 1.5)
      // parses json_schema responses itself and retries the identical request
      // when the text is not JSON; a stream returns the text as it is, so it
      // is archived, checked here and rejected with feedback. Streaming
      // through `invoke` is avoided too: it counts tokens with tiktoken,
      // which downloads its encodings.
      let text = "";
      for await (const chunk of await model.stream(messages, { ...callOptions, signal: request.signal })) {
        text += contentText(chunk.content);
      }
      return { text, identity, replayed: false };
    } catch (error) {
      if (isAbortError(error) || request.signal?.aborted) throw error;
      const reason = redactString(error instanceof Error ? error.message : String(error), this.provider.knownSecrets);
      throw new ModelCallError(
        this.name,
        this.provider.model,
        `${this.name} model ${this.provider.model} failed to write chapter ${request.chapterIndex + 1} ("${request.chapterTitle}"): ${reason}. ` +
          "Check the model name, API key and base URL, then resume the run; calls that already succeeded are replayed from the archive",
        { cause: error },
      );
    }
  }

  /** Archives an invalid response as a failed attempt of its call, with the problems as the error. */
  private async archiveRejection(response: ModelResponse, problems: readonly string[], context: CallArchiveContext): Promise<void> {
    const { identity } = response;
    const knownSecrets = this.provider.knownSecrets;
    const record: CallRecord = {
      version: 1,
      runId: this.archive.runId,
      node: context.node,
      chapterIndex: context.chapterIndex,
      callHash: identity.hash,
      // writeCallRecord moves on to the first attempt number not yet taken.
      attempt: 1,
      kind: "chat",
      status: "failed-attempt",
      provider: identity.provider,
      model: identity.model,
      params: identity.params,
      input: identity.input,
      output: redactSecrets({ text: response.text }, { knownSecrets }),
      error: { name: "ScriptValidationError", message: redactString(problems.join("; "), knownSecrets) },
      finishedAt: new Date().toISOString(),
    };
    try {
      await writeCallRecord(this.archive.storage, record);
    } catch (error) {
      log.error(
        { err: error, runId: this.archive.runId, chapterIndex: context.chapterIndex, callHash: identity.hash },
        "failed to archive an invalid model response; the script request continues",
      );
    }
  }
}
