/** narrateScenes: speaks each scene of a chapter's script into a WAV file. */
import path from "node:path";
import { readFile, writeFile } from "node:fs/promises";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { artifactKey } from "../adapters/storage/keys.js";
import type { SentenceTiming } from "../adapters/tts/tts-adapter.js";
import { concatWavs, createSilence, readWavFile, writeWavFile } from "../media/wav.js";
import type { Scene } from "../script/script-schema.js";
import { servicesFrom, type Services } from "../services.js";
import type { ChapterTask, SceneAudio } from "../state.js";
import { chapterScratchDir, completeChapterStage, sceneStem } from "./chapter-task.js";
import { INPUT_HASH_METADATA, ensureLocalCopy, inputHash, isStoredWithInputs } from "./input-hash.js";
import { storeArtifact } from "./store-artifact.js";
import { loadChapterScript, readStoredJson } from "./stored-json.js";
import { trackNode } from "./track-node.js";

/** Silence after each scene, so a slide change does not cut off the last word, in seconds. */
const SCENE_TAIL_SECONDS = 0.6;

/** Sentence timings of a whole chapter, with each scene's offset in the chapter narration. */
export interface ChapterTimings {
  scenes: { sceneIndex: number; offsetSeconds: number; durationSeconds: number; sentences: SentenceTiming[] }[];
}

interface SceneNarration {
  audio: SceneAudio;
  localPath: string;
  sentences: SentenceTiming[];
}

async function narrateScene(
  services: Services,
  task: ChapterTask,
  scene: Scene,
  sceneIndex: number,
  folder: string,
  signal?: AbortSignal,
): Promise<SceneNarration> {
  const { runId, chapter, options, document } = task;
  const voice = options.voice === "auto" ? services.tts.voiceFor(document.language) : options.voice;
  const sentences = scene.sentences.map((sentence) => sentence.text);
  const hash = inputHash({
    provider: services.tts.provider,
    voice,
    rate: options.speechRate,
    sentences,
    tailSeconds: SCENE_TAIL_SECONDS,
  });
  const stem = sceneStem(sceneIndex);
  const audioKey = artifactKey({ runId, chapterIndex: chapter.index, stage: "audio", file: `${stem}.wav` });
  const timingsKey = artifactKey({ runId, chapterIndex: chapter.index, stage: "audio", file: `${stem}.timings.json` });
  const localPath = path.join(folder, `${stem}.wav`);

  if ((await isStoredWithInputs(services, audioKey, hash)) && (await isStoredWithInputs(services, timingsKey, hash))) {
    await ensureLocalCopy(services, audioKey, localPath, signal);
    const timings = await readStoredJson<SentenceTiming[]>(services, timingsKey, signal);
    const wav = await readWavFile(localPath);
    return {
      audio: { sceneIndex, key: audioKey, url: services.storage.url(audioKey), durationSeconds: wav.durationSeconds },
      localPath,
      sentences: timings,
    };
  }

  const rawPath = path.join(folder, `${stem}.speech.wav`);
  const speech = await services.tts.synthesize({
    sentences,
    voice,
    wordsPerMinute: options.speechRate,
    outputPath: rawPath,
    signal,
  });
  const spoken = await readWavFile(rawPath);
  const withTail = concatWavs([spoken, createSilence(spoken, SCENE_TAIL_SECONDS)]);
  await writeWavFile(localPath, withTail);

  const metadata = { [INPUT_HASH_METADATA]: hash };
  const stored = await storeArtifact(services, {
    runId,
    key: audioKey,
    body: { path: localPath },
    node: "narrateScenes",
    chapterIndex: chapter.index,
    metadata,
    signal,
  });
  await storeArtifact(services, {
    runId,
    key: timingsKey,
    body: JSON.stringify(speech.sentences),
    node: "narrateScenes",
    chapterIndex: chapter.index,
    metadata,
    signal,
  });
  return {
    audio: { sceneIndex, key: stored.key, url: stored.url, durationSeconds: withTail.durationSeconds },
    localPath,
    sentences: speech.sentences,
  };
}

/** Narrates every scene of the chapter, joins them into the chapter narration, and sends the chapter to renderSlides. */
export async function narrateScenes(task: ChapterTask, config: LangGraphRunnableConfig) {
  const services = servicesFrom(config);
  const { runId, chapter } = task;

  return services.chapterLimit.run(
    () =>
      trackNode(services, runId, "narrateScenes", chapter.index, async () => {
        const script = await loadChapterScript(services, task, "narrateScenes", config.signal);
        const folder = await chapterScratchDir(services, task, "audio");
        const narrated: SceneNarration[] = [];
        for (const [sceneIndex, scene] of script.scenes.entries()) {
          config.signal?.throwIfAborted();
          narrated.push(await narrateScene(services, task, scene, sceneIndex, folder, config.signal));
        }

        const parts = await Promise.all(narrated.map((scene) => readWavFile(scene.localPath)));
        const chapterAudio = concatWavs(parts);
        const narrationPath = path.join(folder, "narration.wav");
        await writeWavFile(narrationPath, chapterAudio);
        const narration = await storeArtifact(services, {
          runId,
          key: artifactKey({ runId, chapterIndex: chapter.index, stage: "audio", file: "narration.wav" }),
          body: { path: narrationPath },
          node: "narrateScenes",
          chapterIndex: chapter.index,
          signal: config.signal,
        });

        let offsetSeconds = 0;
        const timings: ChapterTimings = { scenes: [] };
        for (const scene of narrated) {
          timings.scenes.push({
            sceneIndex: scene.audio.sceneIndex,
            offsetSeconds,
            durationSeconds: scene.audio.durationSeconds,
            sentences: scene.sentences,
          });
          offsetSeconds += scene.audio.durationSeconds;
        }
        const timingsPath = path.join(folder, "timings.json");
        await writeFile(timingsPath, JSON.stringify(timings, null, 2));
        const storedTimings = await storeArtifact(services, {
          runId,
          key: artifactKey({ runId, chapterIndex: chapter.index, stage: "audio", file: "timings.json" }),
          body: await readFile(timingsPath),
          node: "narrateScenes",
          chapterIndex: chapter.index,
          signal: config.signal,
        });

        return completeChapterStage(
          task,
          {
            narration: {
              audioKey: narration.key,
              audioUrl: narration.url,
              durationSeconds: chapterAudio.durationSeconds,
              scenes: narrated.map((scene) => scene.audio),
              timingsKey: storedTimings.key,
            },
          },
          "renderSlides",
        );
      }),
    config.signal,
  );
}
