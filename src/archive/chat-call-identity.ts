/**
 * The identity of a chat model call computed before the call is made, so a
 * caller can look for an archived response and replay it instead of paying
 * for the same call twice.
 *
 * It derives provider, model, parameters and input from the same LangChain
 * values that `CallArchiveHandler` receives in `handleChatModelStart`, and
 * redacts them the same way, so both produce the same call hash.
 */
import type { BaseChatModel, BaseChatModelCallOptions } from "@langchain/core/language_models/chat_models";
import type { BaseMessage } from "@langchain/core/messages";
import { serializeMessage } from "./call-archive-handler.js";
import { callHash, type CallIdentity } from "./call-hash.js";
import { redactSecrets } from "./redact-secrets.js";

/** A chat call's identity and its hash. */
export interface ChatCallIdentity extends CallIdentity {
  hash: string;
}

/** The public-at-runtime method LangChain uses to build `invocation_params` for callbacks. */
interface TracedInvocationParams {
  _getInvocationParamsForTracing(options: Record<string, unknown>): Record<string, unknown>;
}

/**
 * Returns the identity `CallArchiveHandler` will record for
 * `model.invoke(messages, callOptions)`. `callOptions` must contain only
 * model call options (no callbacks, tags, metadata or signal).
 */
export function chatCallIdentity(
  model: BaseChatModel,
  messages: readonly BaseMessage[],
  callOptions: Partial<BaseChatModelCallOptions> & Record<string, unknown>,
  knownSecrets: readonly string[] = [],
): ChatCallIdentity {
  const parsedOptions = { ...callOptions } as BaseChatModel["ParsedCallOptions"];
  // BaseChatModel passes exactly this value to handleChatModelStart as
  // invocation_params; it is protected in the typings, hence the cast.
  const rawParams = (model as unknown as TracedInvocationParams)._getInvocationParamsForTracing(parsedOptions);
  const langSmith = model.getLsParamsWithDefaults(parsedOptions);

  const provider = String(langSmith.ls_provider ?? model.toJSON().id.at(-1) ?? "unknown");
  const modelName = String(langSmith.ls_model_name ?? rawParams.model ?? rawParams.model_name ?? rawParams.modelName ?? "unknown");
  const params = redactSecrets(rawParams, { knownSecrets, byPropertyName: true });
  const input = redactSecrets({ messages: messages.map(serializeMessage) }, { knownSecrets });

  const identity = { provider, model: modelName, params, input };
  return { ...identity, hash: callHash(identity) };
}
