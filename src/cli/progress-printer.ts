/** Prints run progress to stderr: one line per finished stage, per chapter for chapter stages. */
import type { ProgressEvent } from "../runs/run-executor.js";

const STAGE_LABELS: Record<string, string> = {
  ingestDocument: "read document",
  segmentChapters: "found chapters",
  indexChunks: "indexed chunks",
  writeScript: "script written",
  narrateScenes: "narration spoken",
  renderSlides: "slides drawn",
  composeVideo: "video encoded",
  composeFullVideo: "full video joined",
  publishRun: "manifest published",
};

/** Returns a progress callback writing to `stream`, with elapsed seconds since creation. */
export function createProgressPrinter(stream: NodeJS.WritableStream = process.stderr) {
  const started = performance.now();
  const finishedPerStage = new Map<string, number>();
  return (event: ProgressEvent): void => {
    const elapsed = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
    const label = STAGE_LABELS[event.node] ?? event.node;
    if (event.chapterIndex === undefined) {
      stream.write(`[${elapsed}s] ${label}\n`);
      return;
    }
    const done = (finishedPerStage.get(event.node) ?? 0) + 1;
    finishedPerStage.set(event.node, done);
    const total = event.chapterCount ? `/${event.chapterCount}` : "";
    stream.write(`[${elapsed}s] ${label}: chapter ${event.chapterIndex + 1} (${done}${total} done)\n`);
  };
}
