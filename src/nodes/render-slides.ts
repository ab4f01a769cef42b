/** renderSlides: draws one slide per scene of a chapter. */
import path from "node:path";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { SlideSpec } from "../adapters/images/slide-renderer.js";
import { artifactKey } from "../adapters/storage/keys.js";
import { servicesFrom } from "../services.js";
import type { ChapterTask } from "../state.js";
import { chapterScratchDir, completeChapterStage, sceneStem } from "./chapter-task.js";
import { INPUT_HASH_METADATA, ensureLocalCopy, inputHash, isStoredWithInputs } from "./input-hash.js";
import { storeArtifact } from "./store-artifact.js";
import { loadChapterScript } from "./stored-json.js";
import { trackNode } from "./track-node.js";

/** A leading "Chapter 3.", "LETTER IV:" or "Part 2 -" of a title: the document's own numbering. */
const NUMBERED_PREFIX = /^((?:chapter|letter|part|book|section)\s+(?:\d+|[ivxlcdm]+))\b\s*(?:[.:\u2013\u2014-]\s*)?/i;

/**
 * Splits a title into the document's own label ("LETTER 3") and the rest,
 * so the slide shows the label above the title once instead of repeating it.
 * Titles without such a prefix keep the slide's positional label.
 */
export function splitChapterLabel(title: string): { label?: string; title: string } {
  const match = NUMBERED_PREFIX.exec(title);
  if (!match) return { title };
  const rest = title.slice(match[0].length).trim();
  return { label: match[1]!.replace(/\s+/g, " ").toUpperCase(), title: rest.length > 0 ? rest : title };
}

/** Renders the chapter's slides, stores them, and sends the chapter to composeVideo. */
export async function renderSlides(task: ChapterTask, config: LangGraphRunnableConfig) {
  const services = servicesFrom(config);
  const { runId, chapter, options, document } = task;

  return services.chapterLimit.run(
    () =>
      trackNode(services, runId, "renderSlides", chapter.index, async () => {
        const script = await loadChapterScript(services, task, "renderSlides", config.signal);
        const folder = await chapterScratchDir(services, task, "slides");
        const heading = splitChapterLabel(chapter.title);
        const keys: string[] = [];
        const urls: string[] = [];
        for (const [sceneIndex, scene] of script.scenes.entries()) {
          config.signal?.throwIfAborted();
          const spec: SlideSpec = {
            documentTitle: document.title,
            chapterTitle: heading.title,
            chapterLabel: heading.label,
            chapterNumber: chapter.index + 1,
            chapterCount: task.chapterCount,
            sceneNumber: sceneIndex + 1,
            sceneCount: script.scenes.length,
            sceneTitle: scene.title === chapter.title ? heading.title : scene.title,
            keyPoints: scene.keyPoints,
            language: document.language,
            width: options.width,
            height: options.height,
          };
          const hash = inputHash({ renderer: services.slides.provider, spec });
          const key = artifactKey({ runId, chapterIndex: chapter.index, stage: "slides", file: `${sceneStem(sceneIndex)}.png` });
          const localPath = path.join(folder, `${sceneStem(sceneIndex)}.png`);
          if (await isStoredWithInputs(services, key, hash)) {
            await ensureLocalCopy(services, key, localPath, config.signal);
            keys.push(key);
            urls.push(services.storage.url(key));
            continue;
          }
          await services.slides.render(spec, localPath, config.signal);
          const stored = await storeArtifact(services, {
            runId,
            key,
            body: { path: localPath },
            node: "renderSlides",
            chapterIndex: chapter.index,
            metadata: { [INPUT_HASH_METADATA]: hash },
            signal: config.signal,
          });
          keys.push(stored.key);
          urls.push(stored.url);
        }
        return completeChapterStage(task, { slides: { keys, urls } }, "composeVideo");
      }),
    config.signal,
  );
}
