/**
 * Graph state. It contains ids, keys, URLs and small summaries only, never
 * media bytes or document text, so checkpoints stay small. The document text
 * is in storage under `DocumentInfo.textKey`, and chapters point into it by
 * character offsets.
 */
import { Annotation } from "@langchain/langgraph";
import type { RunOptions } from "./config.js";

/** Input formats the reader understands. */
export type DocumentFormat = "markdown" | "text" | "html" | "pdf" | "epub" | "docx";

/** The ingested document. */
export interface DocumentInfo {
  /** SHA-256 of the normalised text; the document id used by the index. */
  id: string;
  title: string;
  /** Absolute path the run was started with. */
  sourcePath: string;
  format: DocumentFormat;
  /** Encoding detected in the source bytes, for example `UTF-8` or `windows-1252`. */
  encoding: string;
  /** BCP 47 primary language guessed from the text, for example `en` or `zh`. */
  language: string;
  /** Length of the normalised text in UTF-16 code units. */
  chars: number;
  /** SHA-256 of the source file's bytes, checked again on resume. */
  sourceSha256: string;
  sourceKey: string;
  sourceUrl: string;
  /** Storage key of the normalised text that chapter offsets refer to. */
  textKey: string;
}

/** One chapter found by segmentChapters. */
export interface ChapterPlan {
  /** Zero-based position in the document. */
  index: number;
  title: string;
  /** Half-open range [start, end) of the chapter body in the normalised text. */
  start: number;
  end: number;
  /** Origin of the chapter boundary: a heading, a "Chapter I" style line, or a length-based cut. */
  source: "heading" | "chapter-line" | "length";
}

/** Narration of one scene. */
export interface SceneAudio {
  sceneIndex: number;
  key: string;
  url: string;
  durationSeconds: number;
}

/** Outputs of the per-chapter stages so far. Each field is set by one node. */
export interface ChapterArtifacts {
  script?: { key: string; url: string; sceneCount: number; estimatedSeconds: number };
  narration?: {
    audioKey: string;
    audioUrl: string;
    durationSeconds: number;
    scenes: SceneAudio[];
    /** Key of the JSON file with sentence timings, used for captions. */
    timingsKey: string;
  };
  slides?: { keys: string[]; urls: string[] };
  video?: {
    key: string;
    url: string;
    durationSeconds: number;
    captionsKey: string;
    captionsUrl: string;
  };
}

/** Summary of the indexing step. */
export interface IndexSummary {
  collection: string;
  chunkCount: number;
  added: number;
  updated: number;
  skipped: number;
  deleted: number;
}

/** The joined full-length video. */
export interface FullVideo {
  key: string;
  url: string;
  durationSeconds: number;
}

/** Payload of one per-chapter task, sent with `Send` to each per-chapter node. */
export interface ChapterTask {
  runId: string;
  options: RunOptions;
  document: DocumentInfo;
  chapter: ChapterPlan;
  chapterCount: number;
  artifacts: ChapterArtifacts;
}

/** Merges per-chapter updates field by field, so parallel chapters never overwrite each other. */
function mergeArtifacts(
  current: Record<string, ChapterArtifacts>,
  update: Record<string, ChapterArtifacts>,
): Record<string, ChapterArtifacts> {
  const merged: Record<string, ChapterArtifacts> = { ...current };
  for (const [chapter, artifacts] of Object.entries(update)) {
    merged[chapter] = { ...merged[chapter], ...artifacts };
  }
  return merged;
}

/** The state of one run. */
export const RunState = Annotation.Root({
  /** Run id; equal to the LangGraph thread id. */
  runId: Annotation<string>(),
  /** Path of the input document, as given. */
  sourcePath: Annotation<string>(),
  /** Options frozen when the run started. */
  options: Annotation<RunOptions>(),
  /** Set by ingestDocument. */
  document: Annotation<DocumentInfo | undefined>(),
  /** Set by segmentChapters. */
  chapters: Annotation<ChapterPlan[]>({
    reducer: (_current, update) => update,
    default: () => [],
  }),
  /** Set by indexChunks. */
  index: Annotation<IndexSummary | undefined>(),
  /** Per-chapter artifacts, keyed by chapter index as a string. */
  artifacts: Annotation<Record<string, ChapterArtifacts>>({
    reducer: mergeArtifacts,
    default: () => ({}),
  }),
  /** Set by composeFullVideo. */
  fullVideo: Annotation<FullVideo | undefined>(),
  /** Set by publishRun: the manifest's key and URL. */
  manifest: Annotation<{ key: string; url: string } | undefined>(),
});

export type RunStateType = typeof RunState.State;
export type RunStateUpdate = typeof RunState.Update;
