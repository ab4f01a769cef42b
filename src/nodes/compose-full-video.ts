/** composeFullVideo: joins every chapter video into one full-length MP4. */
import path from "node:path";
import { mkdir } from "node:fs/promises";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { artifactKey } from "../adapters/storage/keys.js";
import { concatVideos } from "../media/concat-videos.js";
import { resolveFfmpegBinaries } from "../media/ffmpeg-binaries.js";
import { servicesFrom } from "../services.js";
import type { RunStateType, RunStateUpdate } from "../state.js";
import { INPUT_HASH_METADATA, ensureLocalCopy, inputHash } from "./input-hash.js";
import { storeArtifact } from "./store-artifact.js";
import { trackNode } from "./track-node.js";

/** Concatenates the chapter videos in order; runs once, after every chapter finished. */
export async function composeFullVideo(
  state: RunStateType,
  config: LangGraphRunnableConfig,
): Promise<RunStateUpdate> {
  const services = servicesFrom(config);
  const { runId } = state;
  return trackNode(services, runId, "composeFullVideo", undefined, async () => {
    const videos = state.chapters.map((chapter) => {
      const video = state.artifacts[String(chapter.index)]?.video;
      if (!video) throw new Error(`chapter ${chapter.index + 1} ("${chapter.title}") has no video to join`);
      return video;
    });
    const key = artifactKey({ runId, stage: "video", file: "full.mp4" });
    const hash = inputHash({ chapters: videos.map((video) => video.key) });
    const durationSeconds = videos.reduce((total, video) => total + video.durationSeconds, 0);

    const existing = await services.storage.head(key);
    if (existing?.metadata[INPUT_HASH_METADATA] === hash) {
      return { fullVideo: { key, url: existing.url, durationSeconds } };
    }
    const folder = path.join(services.paths.scratchDir(runId), "full");
    await mkdir(folder, { recursive: true });
    const inputs: string[] = [];
    for (const video of videos) {
      inputs.push(await ensureLocalCopy(services, video.key, path.join(folder, path.basename(video.key)), config.signal));
    }
    const outputPath = path.join(folder, "full.mp4");
    const result = await concatVideos(inputs, outputPath, {
      binaries: await resolveFfmpegBinaries(services.config.binaries),
      signal: config.signal,
    });
    const stored = await storeArtifact(services, {
      runId,
      key,
      body: { path: outputPath },
      node: "composeFullVideo",
      metadata: { [INPUT_HASH_METADATA]: hash },
      signal: config.signal,
    });
    return { fullVideo: { key: stored.key, url: stored.url, durationSeconds: result.durationSeconds } };
  });
}
