/**
 * `CallArchiveHandler`: a LangChain callback handler that archives every
 * chat model and LLM call attempt of one node (and chapter) as JSON under
 * the run's prefix: messages, redacted parameters, response, token usage,
 * latency and error.
 *
 * LangChain retries inside the model (`maxRetries`) without any callback
 * for the failed attempts, so pass `handler.onFailedAttempt` to the model's
 * `onFailedAttempt` option to archive those too. Retries done with
 * `.withRetry()` produce one callback run per attempt and need nothing extra.
 */
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { Serialized } from "@langchain/core/load/serializable";
import type { BaseMessage } from "@langchain/core/messages";
import type { LLMResult } from "@langchain/core/outputs";
import { AsyncCaller, type FailedAttemptHandler } from "@langchain/core/utils/async_caller";
import type { StorageAdapter } from "../adapters/storage/storage-adapter.js";
import { getLogger } from "../logger.js";
import { callHash } from "./call-hash.js";
import {
  writeCallRecord,
  type ArchivedError,
  type CallArchiveContext,
  type CallRecord,
  type TokenUsage,
} from "./call-record.js";
import { redactSecrets, redactString } from "./redact-secrets.js";

const log = getLogger("call-archive");

/** Exposes LangChain's default failed-attempt handler, which stops retrying on 4xx and quota errors. */
class DefaultFailedAttempt extends AsyncCaller {
  static handler(): FailedAttemptHandler | undefined {
    return new DefaultFailedAttempt({}).onFailedAttempt;
  }
}

/** A call between its start callback and its end or error callback. */
interface ActiveCall {
  kind: "chat" | "llm";
  provider: string;
  model: string;
  params: unknown;
  input: unknown;
  hash: string;
  startedAt: number;
  /** Start of the current attempt; moves on after each failed attempt. */
  attemptStartedAt: number;
  /** The error last archived as a failed attempt, so the final error callback does not archive it twice. */
  lastArchivedError?: unknown;
}

/** Options of `CallArchiveHandler`. */
export interface CallArchiveHandlerOptions {
  storage: StorageAdapter;
  runId: string;
  context: CallArchiveContext;
  /** Exact secret values (API keys from configuration) to remove wherever they appear. */
  knownSecrets?: readonly string[];
}

/** Serialises a message to plain JSON: type, content and the fields that carry tool calls and usage. */
export function serializeMessage(message: BaseMessage): Record<string, unknown> {
  const fields = message as unknown as Record<string, unknown>;
  const serialized: Record<string, unknown> = { type: message.type, content: message.content };
  for (const field of ["name", "tool_calls", "tool_call_id", "usage_metadata", "response_metadata"]) {
    const value = fields[field];
    const isEmpty =
      value === undefined ||
      (Array.isArray(value) && value.length === 0) ||
      (typeof value === "object" && value !== null && Object.keys(value).length === 0);
    if (!isEmpty) serialized[field] = value;
  }
  return serialized;
}

/** Returns the HTTP status of a provider error, when it carries one. */
function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const candidate = error as { status?: unknown; response?: { status?: unknown } };
  if (typeof candidate.status === "number") return candidate.status;
  if (typeof candidate.response?.status === "number") return candidate.response.status;
  return undefined;
}

/** Reduces an error to its name, redacted message and HTTP status. */
export function archivedError(error: unknown, knownSecrets: readonly string[]): ArchivedError {
  const name = error instanceof Error ? error.name : "Error";
  const message = redactString(error instanceof Error ? error.message : String(error), knownSecrets);
  const status = statusOf(error);
  return status === undefined ? { name, message } : { name, message, status };
}

function tokenUsageOf(output: LLMResult): TokenUsage | undefined {
  const fromProvider = output.llmOutput?.tokenUsage as
    | { promptTokens?: number; completionTokens?: number; totalTokens?: number }
    | undefined;
  if (fromProvider) {
    return {
      inputTokens: fromProvider.promptTokens,
      outputTokens: fromProvider.completionTokens,
      totalTokens: fromProvider.totalTokens,
    };
  }
  for (const generation of output.generations.flat()) {
    const message = (generation as { message?: { usage_metadata?: Record<string, number> } }).message;
    const usage = message?.usage_metadata;
    if (usage) {
      return { inputTokens: usage.input_tokens, outputTokens: usage.output_tokens, totalTokens: usage.total_tokens };
    }
  }
  return undefined;
}

function generationsOf(output: LLMResult): unknown[] {
  return output.generations.flat().map((generation) => {
    const message = (generation as { message?: BaseMessage }).message;
    return {
      text: generation.text,
      ...(message ? { message: serializeMessage(message) } : {}),
      ...(generation.generationInfo ? { generationInfo: generation.generationInfo } : {}),
    };
  });
}

/** Archives every chat model and LLM call attempt it receives callbacks for; see the module comment. */
export class CallArchiveHandler extends BaseCallbackHandler {
  name = "CallArchiveHandler";

  private readonly storage: StorageAdapter;
  private readonly runId: string;
  private readonly context: CallArchiveContext;
  private readonly knownSecrets: readonly string[];
  private readonly active = new Map<string, ActiveCall>();
  private readonly nextAttempt = new Map<string, number>();
  private readonly pending = new Set<Promise<void>>();
  private readonly defaultFailedAttempt = DefaultFailedAttempt.handler();

  /** Keys of the records written so far, in order. */
  readonly writtenKeys: string[] = [];
  /** Archive writes that failed; they are logged and kept here, and the model call goes on. */
  readonly writeFailures: unknown[] = [];

  constructor(options: CallArchiveHandlerOptions) {
    // Awaited handlers finish their write before the model call returns, so
    // a process killed right after a node still has that node's archive.
    super({ _awaitHandler: true });
    this.storage = options.storage;
    this.runId = options.runId;
    this.context = options.context;
    this.knownSecrets = options.knownSecrets ?? [];
  }

  /**
   * Pass as a model's `onFailedAttempt`: archives the failed attempt of the
   * call in progress, then applies LangChain's default rule, which stops
   * retrying on 4xx and quota errors.
   */
  readonly onFailedAttempt: FailedAttemptHandler = async (error: unknown) => {
    const call = this.callForFailedAttempt();
    if (call) {
      const now = Date.now();
      const latencyMs = now - call.attemptStartedAt;
      call.attemptStartedAt = now;
      call.lastArchivedError = error;
      // LangChain's retry loop awaits this handler, so the record is stored before the next attempt starts.
      await this.track(this.archive(call, "failed-attempt", { error: archivedError(error, this.knownSecrets), latencyMs }));
    }
    return this.defaultFailedAttempt?.(error);
  };

  // NOTE: onFailedAttempt receives no run id, so a failed attempt is filed
  // under the most recently started call of this handler. Concurrent calls
  // through one handler can therefore misfile a retried attempt.
  private callForFailedAttempt(): ActiveCall | undefined {
    let latest: ActiveCall | undefined;
    for (const call of this.active.values()) {
      if (!latest || call.startedAt >= latest.startedAt) latest = call;
    }
    return latest;
  }

  /** Waits for every archive write started so far. */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  override async handleChatModelStart(
    llm: Serialized,
    messages: BaseMessage[][],
    runId: string,
    _parentRunId?: string,
    extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Record<string, unknown>,
  ): Promise<void> {
    const serialized = messages.map((group) => group.map(serializeMessage));
    this.start(runId, "chat", llm, { messages: serialized.length === 1 ? serialized[0] : serialized }, extraParams, metadata);
  }

  override async handleLLMStart(
    llm: Serialized,
    prompts: string[],
    runId: string,
    _parentRunId?: string,
    extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Record<string, unknown>,
  ): Promise<void> {
    this.start(runId, "llm", llm, { prompts }, extraParams, metadata);
  }

  private start(
    runId: string,
    kind: ActiveCall["kind"],
    llm: Serialized,
    rawInput: unknown,
    extraParams: Record<string, unknown> | undefined,
    metadata: Record<string, unknown> | undefined,
  ): void {
    const rawParams = (extraParams?.invocation_params ?? {}) as Record<string, unknown>;
    const params = redactSecrets(rawParams, { knownSecrets: this.knownSecrets, byPropertyName: true });
    const input = redactSecrets(rawInput, { knownSecrets: this.knownSecrets });
    const provider = String(metadata?.ls_provider ?? llm.id?.at(-1) ?? "unknown");
    const model = String(metadata?.ls_model_name ?? rawParams.model ?? rawParams.model_name ?? rawParams.modelName ?? "unknown");
    const now = Date.now();
    this.active.set(runId, {
      kind,
      provider,
      model,
      params,
      input,
      hash: callHash({ provider, model, params, input }),
      startedAt: now,
      attemptStartedAt: now,
    });
  }

  override async handleLLMEnd(output: LLMResult, runId: string): Promise<void> {
    const call = this.active.get(runId);
    if (!call) return;
    this.active.delete(runId);
    const generations = generationsOf(output);
    const firstText = (generations[0] as { text?: string } | undefined)?.text ?? "";
    await this.track(
      this.archive(call, "success", {
        output: { text: firstText, generations },
        tokenUsage: tokenUsageOf(output),
        latencyMs: Date.now() - call.attemptStartedAt,
      }),
    );
  }

  override async handleLLMError(error: unknown, runId: string): Promise<void> {
    const call = this.active.get(runId);
    if (!call) return;
    this.active.delete(runId);
    // The last failed attempt was already archived through onFailedAttempt.
    if (call.lastArchivedError === error) {
      await this.flush();
      return;
    }
    await this.track(
      this.archive(call, "error", {
        error: archivedError(error, this.knownSecrets),
        latencyMs: Date.now() - call.attemptStartedAt,
      }),
    );
  }

  private track(write: Promise<void>): Promise<void> {
    this.pending.add(write);
    return write.finally(() => this.pending.delete(write));
  }

  private async archive(call: ActiveCall, status: CallRecord["status"], result: Partial<CallRecord>): Promise<void> {
    const attempt = this.nextAttempt.get(call.hash) ?? 1;
    this.nextAttempt.set(call.hash, attempt + 1);
    const finishedAt = Date.now();
    const record: CallRecord = {
      version: 1,
      runId: this.runId,
      node: this.context.node,
      chapterIndex: this.context.chapterIndex,
      callHash: call.hash,
      attempt,
      kind: call.kind,
      status,
      provider: call.provider,
      model: call.model,
      params: call.params,
      input: call.input,
      ...result,
      output: result.output === undefined ? undefined : redactSecrets(result.output, { knownSecrets: this.knownSecrets }),
      startedAt: new Date(finishedAt - (result.latencyMs ?? 0)).toISOString(),
      finishedAt: new Date(finishedAt).toISOString(),
    };
    try {
      const written = await writeCallRecord(this.storage, record);
      this.nextAttempt.set(call.hash, Math.max(written.attempt + 1, this.nextAttempt.get(call.hash) ?? 1));
      this.writtenKeys.push(written.key);
    } catch (error) {
      this.writeFailures.push(error);
      log.error(
        { err: error, runId: this.runId, node: this.context.node, chapterIndex: this.context.chapterIndex, callHash: call.hash },
        "failed to archive a model call; the call itself continues",
      );
    }
  }
}
