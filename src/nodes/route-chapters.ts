/** routeAfterIndexChunks: fans the chapters out to the per-chapter stages. */
import { END, Send } from "@langchain/langgraph";
import type { RunStateType } from "../state.js";
import { chapterTaskFor } from "./chapter-task.js";

/** Sends every chapter to writeScript, one task per chapter. */
export function routeAfterIndexChunks(state: RunStateType): Send[] | typeof END {
  if (state.chapters.length === 0) return END;
  return state.chapters.map((chapter) => new Send("writeScript", chapterTaskFor(state, chapter.index)));
}
