/**
 * The format readers and how a file is matched to one. A new format is one
 * file under `formats/` plus one entry in `READERS`. Formats without a reader
 * are recognised by extension or signature and rejected with a clear message.
 */
import path from "node:path";
import { InputDocumentError } from "../errors.js";
import type { DocumentFormat } from "../state.js";
import type { DocumentReader } from "./document-reader.js";
import { markdownReader } from "./formats/markdown.js";
import { textReader } from "./formats/text.js";

/** Readers that exist today, in the order they are listed in messages. */
const READERS: readonly DocumentReader[] = [markdownReader, textReader];

/** Extensions and labels of formats that have no reader yet. */
const PENDING_FORMATS: ReadonlyArray<{ format: DocumentFormat; label: string; extensions: readonly string[] }> = [
  { format: "html", label: "HTML", extensions: [".html", ".htm", ".xhtml"] },
  { format: "pdf", label: "PDF", extensions: [".pdf"] },
  { format: "epub", label: "EPUB", extensions: [".epub"] },
  { format: "docx", label: "DOCX", extensions: [".docx"] },
];

/** File signatures checked against the first bytes when the extension is unknown. */
const SIGNATURES: ReadonlyArray<{ bytes: readonly number[]; format: DocumentFormat }> = [
  { bytes: [...Buffer.from("%PDF-")], format: "pdf" },
];

/**
 * Picks the format of a file from its extension, then from its first bytes.
 * Anything else is treated as plain text, and the text decoder rejects it when
 * the bytes are binary.
 */
export function detectFormat(filePath: string, bytes: Uint8Array): DocumentFormat {
  const extension = path.extname(filePath).toLowerCase();
  const known = [...READERS, ...PENDING_FORMATS].find((entry) => entry.extensions.includes(extension));
  if (known) {
    return known.format;
  }
  const signature = SIGNATURES.find((entry) => entry.bytes.every((byte, i) => bytes[i] === byte));
  return signature?.format ?? "text";
}

/** Returns the reader for a format; throws InputDocumentError naming the file when the format has none yet. */
export function getDocumentReader(format: DocumentFormat, filePath: string): DocumentReader {
  const reader = READERS.find((entry) => entry.format === format);
  if (reader) {
    return reader;
  }
  const label = PENDING_FORMATS.find((entry) => entry.format === format)?.label ?? format;
  throw new InputDocumentError(
    filePath,
    `${label} documents are not supported yet (supported: ${describeSupportedFormats()}); convert the document to Markdown or plain text first`,
  );
}

/** Lists the supported formats with their extensions, for messages and help text. */
export function describeSupportedFormats(): string {
  return READERS.map((reader) => `${reader.label} (${reader.extensions.join(", ")})`).join(", ");
}
