/**
 * The contract every format reader implements. A reader turns a file's bytes
 * into text. `readDocument` then normalises that text, strips boilerplate and
 * guesses title and language the same way for every format. Adding HTML, PDF,
 * EPUB or DOCX therefore means adding one reader file and one registry entry.
 */
import type { DocumentFormat } from "../state.js";

/** Text a reader extracted from a file, before normalisation. */
export interface ExtractedText {
  text: string;
  /** Encoding of the source bytes, for example `UTF-8` or `windows-1252`. */
  encoding: string;
}

/** One input format: how to get text out of it and how to find its title. */
export interface DocumentReader {
  format: DocumentFormat;
  /** Human-readable name used in messages, for example `Markdown`. */
  label: string;
  /** File name extensions, lower case with the dot, for example `.md`. */
  extensions: readonly string[];
  /** Extracts the text; throws InputDocumentError naming `filePath` when the bytes are unusable. */
  read(bytes: Uint8Array, filePath: string): Promise<ExtractedText>;
  /** Finds a title in the normalised text, for example the first heading; undefined when there is none. */
  findTitle(text: string): string | undefined;
}
