/** composeVideo: joins a chapter's slides and narration into an MP4 with captions. */
import path from "node:path";
import { writeFile } from "node:fs/promises";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { artifactKey, chapterSegment, keySegment } from "../adapters/storage/keys.js";
import type { SentenceTiming } from "../adapters/tts/tts-adapter.js";
import { buildCaptionCues, formatSrt, formatWebVtt } from "../media/captions.js";
import { composeChapterVideo } from "../media/compose-chapter-video.js";
import { resolveFfmpegBinaries } from "../media/ffmpeg-binaries.js";
import { servicesFrom } from "../services.js";
import type { ChapterTask } from "../state.js";
import { chapterScratchDir, completeChapterStage } from "./chapter-task.js";
import { INPUT_HASH_METADATA, ensureLocalCopy, inputHash } from "./input-hash.js";
import type { ChapterTimings } from "./narrate-scenes.js";
import { storeArtifact } from "./store-artifact.js";
import { readStoredJson } from "./stored-json.js";
import { trackNode } from "./track-node.js";

/** Chapter-wide sentence timings: each scene's sentences shifted by the scene's offset. */
function chapterSentences(timings: ChapterTimings): SentenceTiming[] {
  return timings.scenes.flatMap((scene) =>
    scene.sentences.map((sentence) => ({
      text: sentence.text,
      startSeconds: sentence.startSeconds + scene.offsetSeconds,
      endSeconds: sentence.endSeconds + scene.offsetSeconds,
    })),
  );
}

/** Encodes the chapter video and its SRT and WebVTT captions. */
export async function composeVideo(task: ChapterTask, config: LangGraphRunnableConfig) {
  const services = servicesFrom(config);
  const { runId, chapter, options } = task;
  const { narration, slides } = task.artifacts;
  if (!narration || !slides) {
    throw new Error(`composeVideo got chapter ${chapter.index + 1} without narration or slides`);
  }

  return services.chapterLimit.run(
    () =>
      trackNode(services, runId, "composeVideo", chapter.index, async () => {
        const signal = config.signal;
        const folder = await chapterScratchDir(services, task, "video");
        const audioFolder = await chapterScratchDir(services, task, "audio");
        const slideFolder = await chapterScratchDir(services, task, "slides");

        const timings = await readStoredJson<ChapterTimings>(services, narration.timingsKey, signal);
        const cues = buildCaptionCues(chapterSentences(timings));
        const srt = formatSrt(cues);
        const vtt = formatWebVtt(cues);
        const captionsPath = path.join(folder, "captions.srt");
        await writeFile(captionsPath, srt);
        const captions = await storeArtifact(services, {
          runId,
          key: artifactKey({ runId, chapterIndex: chapter.index, stage: "captions", file: "captions.srt" }),
          body: srt,
          node: "composeVideo",
          chapterIndex: chapter.index,
          signal,
        });
        await storeArtifact(services, {
          runId,
          key: artifactKey({ runId, chapterIndex: chapter.index, stage: "captions", file: "captions.vtt" }),
          body: vtt,
          node: "composeVideo",
          chapterIndex: chapter.index,
          signal,
        });

        const fileName = `${chapterSegment(chapter.index)}-${keySegment(chapter.title, 40)}.mp4`;
        const key = artifactKey({ runId, chapterIndex: chapter.index, stage: "video", file: fileName });
        const hash = inputHash({
          audio: narration.scenes.map((scene) => scene.key),
          durations: narration.scenes.map((scene) => scene.durationSeconds),
          slides: slides.keys,
          captions: captions.sha256,
          width: options.width,
          height: options.height,
          fps: options.fps,
        });
        const outputPath = path.join(folder, fileName);

        // The encode is the slowest step; skip it when an earlier attempt stored the same video.
        const existing = await services.storage.head(key);
        let video = existing?.metadata[INPUT_HASH_METADATA] === hash ? existing : undefined;
        if (!video) {
          const scenes = [];
          for (const [position, scene] of narration.scenes.entries()) {
            const slideKey = slides.keys[position];
            if (!slideKey) throw new Error(`chapter ${chapter.index + 1} has no slide for scene ${position + 1}`);
            scenes.push({
              audioPath: await ensureLocalCopy(services, scene.key, path.join(audioFolder, path.basename(scene.key)), signal),
              imagePath: await ensureLocalCopy(services, slideKey, path.join(slideFolder, path.basename(slideKey)), signal),
              durationSeconds: scene.durationSeconds,
            });
          }
          await composeChapterVideo({
            scenes,
            outputPath,
            width: options.width,
            height: options.height,
            fps: options.fps,
            captionsPath,
            binaries: await resolveFfmpegBinaries(services.config.binaries),
            signal,
          });
          video = await storeArtifact(services, {
            runId,
            key,
            body: { path: outputPath },
            node: "composeVideo",
            chapterIndex: chapter.index,
            metadata: { [INPUT_HASH_METADATA]: hash },
            signal,
          });
        }

        return completeChapterStage(task, {
          video: {
            key: video.key,
            url: video.url,
            durationSeconds: narration.durationSeconds,
            captionsKey: captions.key,
            captionsUrl: captions.url,
          },
        });
      }),
    config.signal,
  );
}
