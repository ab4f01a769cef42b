/**
 * The narration script of one chapter. The offline writer and the LLM-backed
 * writers fill the same schema, and every script is validated before use.
 */
import { z } from "zod";

/** A narration sentence and, for extractive writers, where it came from. */
export const ScriptSentenceSchema = z.object({
  text: z.string().min(1),
  /** Character range in the normalised document text; absent for generated sentences. */
  sourceStart: z.number().int().nonnegative().optional(),
  sourceEnd: z.number().int().nonnegative().optional(),
});

export const SceneSchema = z.object({
  title: z.string().min(1).max(120),
  keyPoints: z.array(z.string().min(1).max(160)).min(2).max(5),
  sentences: z.array(ScriptSentenceSchema).min(1),
  /** Ids of indexed chunks the scene drew on. */
  sourceChunkIds: z.array(z.string()).default([]),
});

export const ChapterScriptSchema = z.object({
  chapterIndex: z.number().int().nonnegative(),
  chapterTitle: z.string().min(1),
  scenes: z.array(SceneSchema).min(1),
  /** Estimated narration length at the configured speaking rate, in seconds. */
  estimatedSeconds: z.number().nonnegative(),
  writer: z.object({ name: z.string(), model: z.string().optional() }),
});

export type ScriptSentence = z.infer<typeof ScriptSentenceSchema>;
export type Scene = z.infer<typeof SceneSchema>;
export type ChapterScript = z.infer<typeof ChapterScriptSchema>;

/** Input of a script writer. */
export interface ScriptRequest {
  chapterIndex: number;
  chapterTitle: string;
  /** The chapter body. */
  text: string;
  /** Offset of `text` in the normalised document, so sentences can record their source range. */
  textOffset: number;
  language: string;
  targetSeconds: number;
  minSeconds: number;
  maxSeconds: number;
  wordsPerMinute: number;
  /** Related passages from other chapters, retrieved from the vector store. */
  relatedChunks: { id: string; chapterTitle: string; text: string }[];
  signal?: AbortSignal;
}

/** A script backend: offline extractive, or an LLM. */
export interface ScriptWriter {
  readonly name: string;
  write(request: ScriptRequest): Promise<ChapterScript>;
}
