/**
 * Checks a chat model's response and turns it into a `ChapterScript`. Each
 * problem found is a short line naming the JSON path, so it can be fed back
 * to the model for another attempt.
 */
import type { z } from "zod";
import { cleanForSpeech } from "./clean-for-speech.js";
import { ModelScriptSchema, type ModelScript } from "./model-script-schema.js";
import { narrationBounds } from "./script-prompt.js";
import { ChapterScriptSchema, type ChapterScript, type ScriptRequest } from "./script-schema.js";
import { estimateSpeechSeconds } from "./speech-duration.js";

/** The checked script, or the problems that made the response invalid. */
export type CheckedResponse = { ok: true; script: ChapterScript } | { ok: false; problems: string[] };

/** Writer name and model recorded in the script. */
export interface ScriptAuthor {
  name: string;
  model: string;
}

const DIGITS = /\p{Nd}+/gu;
// "1,200", "1 200" and "1'200" are the same number as "1200".
const DIGIT_GROUP_SEPARATOR = /(\p{Nd})[,\u00a0\u202f' ](?=\p{Nd}{3})/gu;

function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join(".") || "(response)"}: ${issue.message}`);
}

/** Returns the JSON text inside a markdown code fence, or the text itself. */
function unfenced(text: string): string {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/i.exec(text);
  return fenced ? fenced[1]! : text;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  try {
    return { ok: true, value: JSON.parse(unfenced(text)) };
  } catch (error) {
    return { ok: false, problem: `the response is not valid JSON (${(error as Error).message}); respond with one JSON object only` };
  }
}

/** Problems with source chunk ids, cleaned sentences and numbers that the source does not contain. */
function faithfulnessProblems(response: ModelScript, request: ScriptRequest): string[] {
  const problems: string[] = [];
  const knownIds = new Set(request.relatedChunks.map((chunk) => chunk.id));
  const idList = knownIds.size === 0 ? "none were given, so use an empty list" : [...knownIds].join(", ");
  const source = [request.chapterTitle, request.text, ...request.relatedChunks.map((chunk) => chunk.text)]
    .join("\n")
    .replace(DIGIT_GROUP_SEPARATOR, "$1");

  response.scenes.forEach((scene, sceneIndex) => {
    for (const id of scene.sourceChunkIds) {
      if (!knownIds.has(id)) problems.push(`scenes.${sceneIndex}.sourceChunkIds: unknown id "${id}"; the related passage ids are: ${idList}`);
    }
    scene.sentences.forEach((sentence, sentenceIndex) => {
      const path = `scenes.${sceneIndex}.sentences.${sentenceIndex}`;
      const spoken = cleanForSpeech(sentence);
      if (spoken.length === 0) {
        problems.push(`${path}: the sentence has no words to speak once markdown, code and URLs are removed`);
        return;
      }
      for (const number of spoken.replace(DIGIT_GROUP_SEPARATOR, "$1").match(DIGITS) ?? []) {
        if (!source.includes(number)) {
          problems.push(`${path}: the number ${number} does not appear in the chapter or the related passages; narrate only what the source says`);
        }
      }
    });
  });
  return problems;
}

function toChapterScript(response: ModelScript, request: ScriptRequest, author: ScriptAuthor): ChapterScript {
  let totalSeconds = 0;
  const scenes = response.scenes.map((scene) => {
    const sentences = scene.sentences.map((sentence) => ({ text: cleanForSpeech(sentence) }));
    for (const sentence of sentences) totalSeconds += estimateSpeechSeconds(sentence.text, request.wordsPerMinute);
    return { title: scene.title, keyPoints: scene.keyPoints, sentences, sourceChunkIds: [...new Set(scene.sourceChunkIds)] };
  });
  return {
    chapterIndex: request.chapterIndex,
    chapterTitle: request.chapterTitle,
    scenes,
    estimatedSeconds: Math.round(totalSeconds * 10) / 10,
    writer: { name: author.name, model: author.model },
  };
}

/** Parses and checks `text`, the model's response to `request`. */
export function checkModelResponse(text: string, request: ScriptRequest, author: ScriptAuthor): CheckedResponse {
  const json = parseJson(text);
  if (!json.ok) return { ok: false, problems: [json.problem] };
  const parsed = ModelScriptSchema.safeParse(json.value);
  if (!parsed.success) return { ok: false, problems: issuesOf(parsed.error) };

  const problems = faithfulnessProblems(parsed.data, request);
  if (problems.length > 0) return { ok: false, problems };

  const script = toChapterScript(parsed.data, request, author);
  const bounds = narrationBounds(request);
  if (script.estimatedSeconds < bounds.minSeconds || script.estimatedSeconds > bounds.maxSeconds) {
    const words = (seconds: number) => Math.round((seconds * request.wordsPerMinute) / 60);
    return {
      ok: false,
      problems: [
        `the narration is about ${words(script.estimatedSeconds)} words (${script.estimatedSeconds} s), outside the allowed ` +
          `${words(bounds.minSeconds)} to ${words(bounds.maxSeconds)} words; ${script.estimatedSeconds > bounds.maxSeconds ? "shorten" : "lengthen"} it`,
      ],
    };
  }
  const checked = ChapterScriptSchema.safeParse(script);
  if (!checked.success) return { ok: false, problems: issuesOf(checked.error) };
  return { ok: true, script: checked.data };
}
