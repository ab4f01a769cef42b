/** writeScript: writes and validates the narration script of one chapter. */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { artifactKey } from "../adapters/storage/keys.js";
import { archiveOfflineCall } from "../archive/offline-call.js";
import { ScriptValidationError } from "../errors.js";
import { ChapterScriptSchema } from "../script/script-schema.js";
import { createScriptWriter } from "../script/script-writer-factory.js";
import { servicesFrom } from "../services.js";
import type { ChapterTask } from "../state.js";
import { completeChapterStage } from "./chapter-task.js";
import { loadDocumentText } from "./document-text.js";
import { findRelatedChunks } from "./related-chunks.js";
import { INPUT_HASH_METADATA, inputHash, isStoredWithInputs } from "./input-hash.js";
import { storeArtifact } from "./store-artifact.js";
import { readStoredJson } from "./stored-json.js";
import { trackNode } from "./track-node.js";

/** Writes the chapter's script, archives it, and sends the chapter to narrateScenes. */
export async function writeScript(task: ChapterTask, config: LangGraphRunnableConfig) {
  const services = servicesFrom(config);
  const { chapter, runId } = task;
  return trackNode(services, runId, "writeScript", chapter.index, async () => {
    const key = artifactKey({ runId, chapterIndex: chapter.index, stage: "script", file: "script.json" });
    const text = await loadDocumentText(services, task.document);
    const relatedChunks = await findRelatedChunks(services, task, text.slice(chapter.start, chapter.end));
    const request = {
      chapterIndex: chapter.index,
      chapterTitle: chapter.title,
      text: text.slice(chapter.start, chapter.end),
      textOffset: chapter.start,
      language: task.document.language,
      targetSeconds: task.options.targetNarrationSeconds,
      minSeconds: task.options.minNarrationSeconds,
      maxSeconds: task.options.maxNarrationSeconds,
      wordsPerMinute: task.options.wordsPerMinute,
      relatedChunks,
    };
    const hash = inputHash({ writer: task.options.scriptWriter, request });

    let script;
    if (await isStoredWithInputs(services, key, hash)) {
      script = await readStoredJson<unknown>(services, key, config.signal);
    } else {
      const writer = createScriptWriter(task.options.scriptWriter, services.config, {
        storage: services.storage,
        runId,
        node: "writeScript",
      });
      script = await writer.write({ ...request, signal: config.signal });
      if (task.options.scriptWriter === "offline") {
        // Model-backed writers are archived by the LangChain callback handler; the offline writer is archived here.
        await archiveOfflineCall(services.storage, runId, {
          node: "writeScript",
          chapterIndex: chapter.index,
          provider: writer.name,
          input: request,
          output: script,
        });
      }
    }
    const parsed = ChapterScriptSchema.safeParse(script);
    if (!parsed.success) {
      throw new ScriptValidationError(
        `script of chapter ${chapter.index + 1} ("${chapter.title}") is invalid: ${parsed.error.message}`,
      );
    }
    const stored = await storeArtifact(services, {
      runId,
      key,
      body: JSON.stringify(parsed.data, null, 2),
      node: "writeScript",
      chapterIndex: chapter.index,
      metadata: { [INPUT_HASH_METADATA]: hash },
      signal: config.signal,
    });
    return completeChapterStage(
      task,
      {
        script: {
          key: stored.key,
          url: stored.url,
          sceneCount: parsed.data.scenes.length,
          estimatedSeconds: parsed.data.estimatedSeconds,
        },
      },
      "narrateScenes",
    );
  });
}
