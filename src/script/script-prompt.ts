/**
 * The messages a chat model receives to write one chapter's script: a
 * system message with the rules, a user message with the chapter and the
 * related passages, and, after an invalid response, a message that quotes the
 * validation errors.
 */
import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import type { ScriptRequest } from "./script-schema.js";
import { estimateSpeechSeconds } from "./speech-duration.js";

/** Size limits of the prompt, in characters. */
export interface PromptBudget {
  /** Chapter text beyond this is cut at a paragraph or sentence end. */
  maxChapterChars: number;
  /** Each related passage beyond this is cut the same way. */
  maxChunkChars: number;
}

/**
 * Default budget: about 8,000 tokens of chapter text at roughly 4 characters
 * per token for English (an estimate), and passages of the default chunk size.
 */
export const DEFAULT_PROMPT_BUDGET: PromptBudget = { maxChapterChars: 32_000, maxChunkChars: 1_200 };

/** Narration length bounds of one chapter, in seconds. */
export interface NarrationBounds {
  minSeconds: number;
  maxSeconds: number;
}

/**
 * Returns the length a script for `request` must have. A chapter shorter
 * than `minSeconds` when read in full lowers the minimum to its own length,
 * because a faithful narration cannot be longer than its source.
 */
export function narrationBounds(request: ScriptRequest): NarrationBounds {
  const sourceSeconds = estimateSpeechSeconds(request.text, request.wordsPerMinute);
  return { minSeconds: Math.min(request.minSeconds, sourceSeconds), maxSeconds: request.maxSeconds };
}

/** Cuts `text` to at most `maxChars`, at the last paragraph or sentence end when one is in the second half. */
export function trimToBudget(text: string, maxChars: number): { text: string; trimmed: boolean } {
  if (text.length <= maxChars) return { text, trimmed: false };
  const head = text.slice(0, maxChars);
  const paragraphEnd = head.lastIndexOf("\n\n");
  const sentenceEnd = Math.max(head.lastIndexOf(". "), head.lastIndexOf("。"), head.lastIndexOf("! "), head.lastIndexOf("? "));
  let cut = maxChars;
  if (paragraphEnd >= maxChars / 2) cut = paragraphEnd;
  else if (sentenceEnd >= maxChars / 2) cut = sentenceEnd + 1;
  return { text: head.slice(0, cut).trimEnd(), trimmed: true };
}

function wordsIn(seconds: number, wordsPerMinute: number): number {
  return Math.max(1, Math.round((seconds * wordsPerMinute) / 60));
}

function systemPrompt(request: ScriptRequest): string {
  const bounds = narrationBounds(request);
  const targetSeconds = Math.min(Math.max(request.targetSeconds, bounds.minSeconds), bounds.maxSeconds);
  const words = (seconds: number) => wordsIn(seconds, request.wordsPerMinute);
  return [
    "You write the narration script of one chapter of a document, for a narrated video with one slide per scene.",
    "",
    "Rules:",
    "1. Be faithful to the source. Narrate only what the chapter text and the related passages say. Do not add facts, numbers, names, dates, quotations or opinions that are not in them.",
    `2. Write in the language of the chapter (language code "${request.language}").`,
    `3. Length: about ${Math.round(targetSeconds)} seconds of speech at ${request.wordsPerMinute} words per minute, that is about ${words(targetSeconds)} words in all; ` +
      `never fewer than ${words(bounds.minSeconds)} nor more than ${words(bounds.maxSeconds)} words.`,
    "4. Split the narration into scenes that follow the chapter's order. Each scene has a short title (at most 120 characters), two to five key points for its slide (each at most 160 characters) and its narration sentences.",
    "5. Narration sentences are plain spoken text: no markdown, lists, code, URLs or stage directions.",
    "6. In sourceChunkIds, list the ids of the related passages a scene drew on, and only ids from the list you are given; use an empty list when the scene uses only the chapter text.",
    "7. Respond with one JSON object that matches the response schema, and nothing else.",
  ].join("\n");
}

function userPrompt(request: ScriptRequest, budget: PromptBudget): string {
  const chapter = trimToBudget(request.text.trim(), budget.maxChapterChars);
  const parts = [`Chapter ${request.chapterIndex + 1}: ${request.chapterTitle}`, "", "Chapter text:", "<<<", chapter.text, ">>>"];
  if (chapter.trimmed) {
    parts.push(`(The chapter continues; only its first ${chapter.text.length} characters are shown. Narrate what is shown.)`);
  }
  parts.push("");
  if (request.relatedChunks.length === 0) {
    parts.push("Related passages from other chapters: none.");
  } else {
    parts.push("Related passages from other chapters, for context (cite their ids in sourceChunkIds when you use them):");
    for (const chunk of request.relatedChunks) {
      parts.push("", `[id: ${chunk.id}] from "${chunk.chapterTitle}"`, "<<<", trimToBudget(chunk.text.trim(), budget.maxChunkChars).text, ">>>");
    }
  }
  return parts.join("\n");
}

/** Builds the first messages of a script request. */
export function buildScriptMessages(request: ScriptRequest, budget: PromptBudget = DEFAULT_PROMPT_BUDGET): BaseMessage[] {
  return [new SystemMessage(systemPrompt(request)), new HumanMessage(userPrompt(request, budget))];
}

/** Returns `messages` followed by the invalid response and a request to fix the listed problems. */
export function withValidationFeedback(messages: readonly BaseMessage[], invalidResponse: string, problems: readonly string[]): BaseMessage[] {
  const feedback = [
    "Your response was rejected for these problems:",
    ...problems.map((problem) => `- ${problem}`),
    "Write the whole response again as one JSON object that fixes them and still follows every rule.",
  ].join("\n");
  return [...messages, new AIMessage(invalidResponse), new HumanMessage(feedback)];
}
