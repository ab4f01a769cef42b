/**
 * Splitting of chapters into overlapping chunks for the retrieval index, with
 * exact character offsets into the full text.
 */
import { createHash } from "node:crypto";
import { RecursiveCharacterTextSplitter } from "@langchain/textsplitters";
import { ConfigError, Doc2VideoError } from "../errors.js";
import type { ChapterPlan } from "../state.js";

/** One chunk of a chapter; `text` equals `fullText.slice(start, end)`. */
export interface DocumentChunk {
  /** `${chapterIndex}:${chunkIndex}:${first 16 hex digits of sha256(text)}`, stable across runs. */
  id: string;
  chapterIndex: number;
  chapterTitle: string;
  /** Zero-based position within the chapter. */
  chunkIndex: number;
  /** Half-open range [start, end) in the full text. */
  start: number;
  end: number;
  text: string;
}

/** Options of splitChunks, in characters. */
export interface SplitChunksOptions {
  chunkSize: number;
  /** Characters shared by neighbouring chunks; must be smaller than chunkSize. */
  chunkOverlap: number;
}

/**
 * Separators from coarsest to finest. The Chinese and Japanese sentence ends
 * let text without spaces be split between sentences. The splitter keeps each
 * separator at the start of the following chunk, so such a chunk opens with `。`.
 */
// NOTE: the last separator ("") cuts between UTF-16 code units, so a run longer than chunkSize with
// no other separator can leave half of a surrogate pair (an emoji, say) at a chunk edge.
const SEPARATORS = ["\n\n", "\n", "。", "！", "？", " ", ""];

/** Splits each chapter's body into chunks with RecursiveCharacterTextSplitter and locates every chunk in `text`. */
export async function splitChunks(
  text: string,
  chapters: readonly ChapterPlan[],
  options: SplitChunksOptions,
): Promise<DocumentChunk[]> {
  checkOptions(options);
  const splitter = new RecursiveCharacterTextSplitter({
    chunkSize: options.chunkSize,
    chunkOverlap: options.chunkOverlap,
    separators: SEPARATORS,
  });

  const chunks: DocumentChunk[] = [];
  for (const chapter of chapters) {
    const body = text.slice(chapter.start, chapter.end);
    const pieces = await splitter.splitText(body);
    const offsets = locatePieces(body, pieces, chapter);
    pieces.forEach((piece, chunkIndex) => {
      const start = chapter.start + offsets[chunkIndex]!;
      chunks.push({
        id: `${chapter.index}:${chunkIndex}:${createHash("sha256").update(piece).digest("hex").slice(0, 16)}`,
        chapterIndex: chapter.index,
        chapterTitle: chapter.title,
        chunkIndex,
        start,
        end: start + piece.length,
        text: piece,
      });
    });
  }
  return chunks;
}

function checkOptions({ chunkSize, chunkOverlap }: SplitChunksOptions): void {
  if (!Number.isInteger(chunkSize) || chunkSize <= 0) {
    throw new ConfigError(`chunkSize must be a positive integer, got ${chunkSize}; pass a size such as 1200`);
  }
  if (!Number.isInteger(chunkOverlap) || chunkOverlap < 0 || chunkOverlap >= chunkSize) {
    throw new ConfigError(
      `chunkOverlap must be an integer from 0 to chunkSize - 1 (${chunkSize - 1}), got ${chunkOverlap}; lower chunkOverlap or raise chunkSize`,
    );
  }
}

/**
 * Finds where each piece starts in the chapter body. The splitter returns
 * pieces in order, each starting after the previous one's start, so each
 * search begins one character past the previous match. Searching from the
 * start of the body instead would put a repeated passage at its first
 * occurrence.
 */
function locatePieces(body: string, pieces: readonly string[], chapter: ChapterPlan): number[] {
  const offsets: number[] = [];
  let from = 0;
  for (const piece of pieces) {
    const offset = body.indexOf(piece, from);
    if (offset === -1) {
      // The splitter only trims and joins adjacent pieces, so this means its contract changed.
      throw new Doc2VideoError(
        `chunk ${offsets.length} of chapter ${chapter.index} (${JSON.stringify(chapter.title)}) is not a substring of the chapter text; check the @langchain/textsplitters version`,
      );
    }
    offsets.push(offset);
    from = offset + 1;
  }
  return offsets;
}
