/** Reads JSON artifacts (scripts, timings) back from storage. */
import { ChapterScriptSchema, type ChapterScript } from "../script/script-schema.js";
import type { Services } from "../services.js";
import type { ChapterTask } from "../state.js";

/** Reads and parses a JSON object stored under `key`. */
export async function readStoredJson<T>(services: Services, key: string, signal?: AbortSignal): Promise<T> {
  return JSON.parse((await services.storage.get(key, { signal })).toString("utf8")) as T;
}

/** Reads and validates the chapter's stored script; `node` names the caller when writeScript has not run. */
export async function loadChapterScript(
  services: Services,
  task: ChapterTask,
  node: string,
  signal?: AbortSignal,
): Promise<ChapterScript> {
  const scriptRef = task.artifacts.script;
  if (!scriptRef) throw new Error(`${node} got chapter ${task.chapter.index + 1} without a script`);
  return ChapterScriptSchema.parse(await readStoredJson(services, scriptRef.key, signal));
}
