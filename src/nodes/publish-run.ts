/** publishRun: writes the run manifest that names every artifact by URL. */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { artifactKey, runPrefix } from "../adapters/storage/keys.js";
import { servicesFrom } from "../services.js";
import type { RunStateType, RunStateUpdate } from "../state.js";
import { storeArtifact } from "./store-artifact.js";
import { trackNode } from "./track-node.js";

/** Manifest format version, bumped when a field changes meaning. */
export const MANIFEST_VERSION = 1;

/** Builds the manifest object from the finished run state. */
export function buildManifest(state: RunStateType, manifestUrl: string, callArchiveUrl: string) {
  const document = state.document!;
  const chapters = state.chapters.map((chapter) => {
    const artifacts = state.artifacts[String(chapter.index)] ?? {};
    const { script, narration, slides, video } = artifacts;
    return {
      index: chapter.index,
      number: chapter.index + 1,
      title: chapter.title,
      source_range: [chapter.start, chapter.end],
      duration_seconds: video?.durationSeconds ?? null,
      video_url: video?.url ?? null,
      audio_url: narration?.audioUrl ?? null,
      image_url: slides?.urls[0] ?? null,
      script_url: script?.url ?? null,
      captions_url: video?.captionsUrl ?? null,
      scenes: (narration?.scenes ?? []).map((scene) => ({
        index: scene.sceneIndex,
        duration_seconds: scene.durationSeconds,
        audio_url: scene.url,
        image_url: slides?.urls[scene.sceneIndex] ?? null,
      })),
    };
  });
  return {
    manifest_version: MANIFEST_VERSION,
    run_id: state.runId,
    document: {
      id: document.id,
      title: document.title,
      format: document.format,
      encoding: document.encoding,
      language: document.language,
      characters: document.chars,
      source_url: document.sourceUrl,
      source_sha256: document.sourceSha256,
    },
    options: state.options,
    chapter_count: chapters.length,
    total_duration_seconds: state.fullVideo?.durationSeconds ?? null,
    full_video_url: state.fullVideo?.url ?? null,
    manifest_url: manifestUrl,
    call_archive_url: callArchiveUrl,
    index: state.index ?? null,
    chapters,
  };
}

/** Manifest object type. */
export type RunManifest = ReturnType<typeof buildManifest>;

/** Stores `manifest.json` for the run. */
export async function publishRun(state: RunStateType, config: LangGraphRunnableConfig): Promise<RunStateUpdate> {
  const services = servicesFrom(config);
  const { runId } = state;
  return trackNode(services, runId, "publishRun", undefined, async () => {
    const key = artifactKey({ runId, stage: "manifest", file: "manifest.json" });
    const callArchiveUrl = services.storage.url(`${runPrefix(runId)}calls`);
    const manifest = buildManifest(state, services.storage.url(key), callArchiveUrl);
    const stored = await storeArtifact(services, {
      runId,
      key,
      body: JSON.stringify(manifest, null, 2),
      node: "publishRun",
      signal: config.signal,
    });
    return { manifest: { key: stored.key, url: stored.url } };
  });
}
