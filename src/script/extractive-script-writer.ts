/**
 * The offline script writer: an extractive summary that needs no model.
 *
 * It splits the chapter into sentences, scores them by TextRank centrality
 * with position, length and style weights, picks the best ones up to the
 * target narration length, keeps them in source order and groups them into
 * scenes at topic shifts. Every narration sentence is a source sentence
 * after `cleanForSpeech`, with its character range in the document.
 */
import { ScriptValidationError } from "../errors.js";
import { getLogger } from "../logger.js";
import { cleanForSpeech } from "./clean-for-speech.js";
import { chooseSceneCount, groupIntoScenes } from "./scene-grouping.js";
import {
  compareCodeUnits,
  keyTerms,
  sceneKeyPoints,
  sceneTitle,
  truncate,
  MAX_KEY_POINT_CHARS,
  type LabelSentence,
} from "./scene-labels.js";
import {
  ChapterScriptSchema,
  type ChapterScript,
  type Scene,
  type ScriptRequest,
  type ScriptWriter,
} from "./script-schema.js";
import { isGutenbergText, scoreSentences } from "./sentence-salience.js";
import { selectSentences } from "./sentence-selection.js";
import { estimateSpeechSeconds, countSpeechWords } from "./speech-duration.js";
import { splitSentences } from "./split-sentences.js";
import { extractTerms, type Term } from "./text-terms.js";
import { centroid, cosine, TfIdfModel, type TermVector } from "./tf-idf.js";

const log = getLogger("extractive-script-writer");

/** Sentences on each side of a scene break that are compared to measure the topic shift. */
const COHESION_WINDOW = 3;
/** Related chunks less similar to a scene than this are not listed as its sources. */
const MIN_CHUNK_SIMILARITY = 0.05;
const MAX_CHUNKS_PER_SCENE = 3;

/** A speakable sentence of the chapter with everything the writer computes about it. */
interface ChapterSentence {
  /** Position among the chapter's speakable sentences. */
  index: number;
  cleaned: string;
  lostCode: boolean;
  /** Offsets into the chapter text. */
  start: number;
  end: number;
  terms: Term[];
  vector: TermVector;
  seconds: number;
  score: number;
}

/** A heading line of the chapter, used to title the scene that follows it. */
interface ChapterHeading {
  start: number;
  cleaned: string;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  signal?.throwIfAborted();
}

/** A chapter with nothing to narrate: only code, URLs, tables or headings. */
class NoSpeakableProseError extends ScriptValidationError {
  constructor(request: ScriptRequest) {
    super(`chapter ${request.chapterIndex + 1} "${request.chapterTitle}" has no speakable prose (only code, URLs, tables or headings)`);
    this.name = "NoSpeakableProseError";
  }
}

/**
 * Script of a chapter with no prose, such as a section of a README that is
 * all code: one scene that speaks the chapter title, so the video keeps the
 * chapter in order instead of failing the whole run.
 */
function titleOnlyScript(request: ScriptRequest, writerName: string): ChapterScript {
  const spokenTitle = cleanForSpeech(request.chapterTitle) || `Chapter ${request.chapterIndex + 1}`;
  log.warn({ chapterIndex: request.chapterIndex, title: request.chapterTitle }, "chapter has no speakable prose; narrating its title only");
  return ChapterScriptSchema.parse({
    chapterIndex: request.chapterIndex,
    chapterTitle: request.chapterTitle,
    scenes: [
      {
        title: request.chapterTitle.slice(0, 120),
        keyPoints: ["This section is code, tables or links", "Read it in the source document"],
        sentences: [{ text: spokenTitle }],
        sourceChunkIds: [],
      },
    ],
    estimatedSeconds: Math.round(estimateSpeechSeconds(spokenTitle, request.wordsPerMinute) * 10) / 10,
    writer: { name: writerName },
  });
}

/** Writes chapter scripts by extracting sentences from the chapter itself; deterministic and offline. */
export class ExtractiveScriptWriter implements ScriptWriter {
  readonly name = "offline-extractive";

  /**
   * Builds and validates the script of one chapter. A chapter with no
   * speakable prose (only code, tables or URLs) is rejected with a
   * ScriptValidationError rather than given invented narration, because every
   * narration sentence must come from the source.
   */
  async write(request: ScriptRequest): Promise<ChapterScript> {
    throwIfAborted(request.signal);
    let analysed: ReturnType<ExtractiveScriptWriter["analyse"]>;
    try {
      analysed = this.analyse(request);
    } catch (error) {
      if (error instanceof NoSpeakableProseError) return titleOnlyScript(request, this.name);
      throw error;
    }
    const { sentences, headings, model } = analysed;
    throwIfAborted(request.signal);

    const chosenIndexes = selectSentences(sentences, {
      targetSeconds: request.targetSeconds,
      minSeconds: request.minSeconds,
      maxSeconds: request.maxSeconds,
    });
    const chosen = chosenIndexes.map((index) => sentences[index]!);
    const totalSeconds = chosen.reduce((sum, sentence) => sum + sentence.seconds, 0);

    const breakCohesion = chosen.slice(0, -1).map((sentence, position) => this.cohesionAcross(sentences, headings, sentence, chosen[position + 1]!));
    const groups = groupIntoScenes(
      chosen.map((sentence) => sentence.seconds),
      breakCohesion,
      chooseSceneCount(chosen.length, totalSeconds),
    );
    throwIfAborted(request.signal);

    const chunkVectors = request.relatedChunks.map((chunk) => ({
      id: chunk.id,
      vector: model.vector(extractTerms(cleanForSpeech(chunk.text)).map(({ term }) => term)),
    }));
    const usedTitleTerms = new Set<string>();
    const weight = (term: string): number => model.idf(term);
    // Titles name what the chapter keeps returning to, so they weigh terms by how often the chapter uses them.
    const titleWeight = (term: string): number => Math.log(1 + model.frequency(term));
    const chapterKeyTerms = keyTerms(sentences, weight, 4);

    const scenes: Scene[] = groups.map((group, sceneIndex) => {
      const members = group.map((position) => chosen[position]!);
      const labelSentences: LabelSentence[] = members;
      const sceneStart = members[0]!.start;
      const previousEnd = sceneIndex === 0 ? -1 : chosen[group[0]! - 1]!.end;
      const heading = headings.filter((candidate) => candidate.start > previousEnd && candidate.start < sceneStart).at(-1);
      const sceneTerms = keyTerms(members, weight, 4);

      const title = sceneTitle({
        sentences: labelSentences,
        weight: titleWeight,
        chapterTitle: request.chapterTitle,
        isFirstScene: sceneIndex === 0,
        heading: heading?.cleaned,
        usedTerms: usedTitleTerms,
      });

      return {
        title,
        keyPoints: sceneKeyPoints(labelSentences, weight, {
          title,
          fallbacks: [
            sceneTerms.length >= 2 ? sceneTerms.join(", ") : chapterKeyTerms.join(", "),
            request.chapterTitle,
            `${truncate(request.chapterTitle, MAX_KEY_POINT_CHARS - 12)}, part ${sceneIndex + 1}`,
          ],
        }),
        sentences: members.map((sentence) => ({
          text: sentence.cleaned,
          sourceStart: request.textOffset + sentence.start,
          sourceEnd: request.textOffset + sentence.end,
        })),
        sourceChunkIds: this.closestChunks(
          centroid(members.map((sentence) => sentence.vector)),
          chunkVectors,
        ),
      };
    });

    const script = {
      chapterIndex: request.chapterIndex,
      chapterTitle: request.chapterTitle,
      scenes,
      estimatedSeconds: Math.round(totalSeconds * 10) / 10,
      writer: { name: this.name },
    };
    const parsed = ChapterScriptSchema.safeParse(script);
    if (!parsed.success) {
      throw new ScriptValidationError(
        `offline script for chapter ${request.chapterIndex} "${request.chapterTitle}" failed validation: ${parsed.error.issues
          .map((issue) => `${issue.path.join(".")}: ${issue.message}`)
          .join("; ")}; this is a bug in the extractive writer, please report it with the chapter text`,
        { cause: parsed.error },
      );
    }
    log.debug(
      { chapterIndex: request.chapterIndex, sentences: sentences.length, chosen: chosen.length, scenes: scenes.length, seconds: script.estimatedSeconds },
      "wrote extractive script",
    );
    return parsed.data;
  }

  /** Splits, cleans, filters and scores the chapter's sentences. */
  private analyse(request: ScriptRequest): { sentences: ChapterSentence[]; headings: ChapterHeading[]; model: TfIdfModel } {
    const headings: ChapterHeading[] = [];
    const speakable: Omit<ChapterSentence, "vector" | "score">[] = [];
    for (const sentence of splitSentences(request.text, request.language)) {
      const cleaned = cleanForSpeech(sentence.text);
      if (isGutenbergText(cleaned)) continue;
      if (sentence.kind === "heading") {
        headings.push({ start: sentence.start, cleaned });
        continue;
      }
      speakable.push({
        index: speakable.length,
        cleaned,
        lostCode: /`|\b(?:https?|ftp):\/\/|\bwww\./i.test(sentence.text),
        start: sentence.start,
        end: sentence.end,
        terms: extractTerms(cleaned),
        seconds: estimateSpeechSeconds(cleaned, request.wordsPerMinute),
      });
    }
    if (speakable.length === 0) throw new NoSpeakableProseError(request);

    const model = new TfIdfModel(speakable.map((sentence) => sentence.terms.map(({ term }) => term)));
    const withVectors = speakable.map((sentence) => ({
      ...sentence,
      vector: model.vector(sentence.terms.map(({ term }) => term)),
    }));
    const scores = scoreSentences(
      withVectors.map((sentence) => ({ cleaned: sentence.cleaned, lostCode: sentence.lostCode, speechWords: countSpeechWords(sentence.cleaned), vector: sentence.vector })),
    );
    const sentences = withVectors.map((sentence, index) => ({ ...sentence, score: scores[index]! }));
    return { sentences, headings, model };
  }

  /**
   * Measures how much the chapter text around a possible break stays on one
   * topic: cosine of the windows before `left` and from `right` on. A heading
   * between them marks a section change and lowers the cost of breaking there.
   */
  private cohesionAcross(sentences: readonly ChapterSentence[], headings: readonly ChapterHeading[], left: ChapterSentence, right: ChapterSentence): number {
    const before = sentences.slice(Math.max(0, left.index - COHESION_WINDOW + 1), left.index + 1);
    const after = sentences.slice(right.index, right.index + COHESION_WINDOW);
    const similarity = cosine(centroid(before.map((sentence) => sentence.vector)), centroid(after.map((sentence) => sentence.vector)));
    const headingBetween = headings.some((heading) => heading.start > left.end && heading.start < right.start);
    return headingBetween ? similarity - 1 : similarity;
  }

  /** Returns the ids of the related chunks most similar to the scene, best first, at most three. */
  private closestChunks(sceneVector: TermVector, chunks: readonly { id: string; vector: TermVector }[]): string[] {
    return chunks
      .map((chunk) => ({ id: chunk.id, similarity: cosine(sceneVector, chunk.vector) }))
      .filter((chunk) => chunk.similarity >= MIN_CHUNK_SIMILARITY)
      .sort((left, right) => right.similarity - left.similarity || compareCodeUnits(left.id, right.id))
      .map((chunk) => chunk.id)
      .filter((id, position, ids) => ids.indexOf(id) === position)
      .slice(0, MAX_CHUNKS_PER_SCENE);
  }
}
