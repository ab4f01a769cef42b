/** Helpers shared by the per-chapter nodes, which receive a `ChapterTask` through `Send`. */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { Command, Send } from "@langchain/langgraph";
import { chapterSegment } from "../adapters/storage/keys.js";
import type { Services } from "../services.js";
import type { ChapterArtifacts, ChapterTask, RunStateType } from "../state.js";

/** Builds the task of one chapter from the run state. */
export function chapterTaskFor(state: RunStateType, chapterIndex: number): ChapterTask {
  const chapter = state.chapters[chapterIndex];
  if (!chapter || !state.document) {
    throw new Error(`chapter ${chapterIndex} is not in the run state; segmentChapters must run first`);
  }
  return {
    runId: state.runId,
    options: state.options,
    document: state.document,
    chapter,
    chapterCount: state.chapters.length,
    artifacts: state.artifacts[String(chapterIndex)] ?? {},
  };
}

/** Creates and returns the scratch folder of one chapter stage, for example `scratch/<run>/ch01/audio`. */
export async function chapterScratchDir(services: Services, task: ChapterTask, stage: string): Promise<string> {
  const folder = path.join(services.paths.scratchDir(task.runId), chapterSegment(task.chapter.index), stage);
  await mkdir(folder, { recursive: true });
  return folder;
}

/**
 * Records a stage's output for the chapter and, when `next` is given, sends
 * the chapter on to the next per-chapter node.
 */
export function completeChapterStage(
  task: ChapterTask,
  produced: ChapterArtifacts,
  next?: string,
): Command | { artifacts: Record<string, ChapterArtifacts> } {
  const update = { artifacts: { [String(task.chapter.index)]: produced } };
  if (!next) return update;
  const nextTask: ChapterTask = { ...task, artifacts: { ...task.artifacts, ...produced } };
  return new Command({ update, goto: new Send(next, nextTask) });
}

/** Two-digit scene file stem, for example `scene-03`. */
export function sceneStem(sceneIndex: number): string {
  return `scene-${String(sceneIndex + 1).padStart(2, "0")}`;
}
