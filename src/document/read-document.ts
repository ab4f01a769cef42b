/**
 * Reads an input document into normalised text plus the facts the run records
 * about it: format, encoding, title, language and the hash of its bytes.
 */
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { ConfigError, InputDocumentError } from "../errors.js";
import type { DocumentFormat } from "../state.js";
import { guessLanguage } from "./guess-language.js";
import { normalizeText } from "./normalize-text.js";
import { detectFormat, getDocumentReader } from "./reader-registry.js";
import { stripGutenbergBoilerplate } from "./strip-gutenberg.js";

/** Largest input file read by default, in bytes (50 MiB). */
export const DEFAULT_MAX_DOCUMENT_BYTES = 50 * 1024 * 1024;

/** Options of readDocument. */
export interface ReadDocumentOptions {
  /** Largest file accepted, in bytes; defaults to DEFAULT_MAX_DOCUMENT_BYTES. */
  maxBytes?: number;
}

/** A document read from disk, with its text normalised and boilerplate removed. */
export interface ReadDocumentResult {
  /** Normalised text: `\n` line endings, NFC, no trailing whitespace, no Project Gutenberg header or licence. */
  text: string;
  format: DocumentFormat;
  /** Encoding of the source bytes, for example `UTF-8` or `windows-1252`. */
  encoding: string;
  /** From a Project Gutenberg `Title:` line, else the first heading, else the file name. */
  title: string;
  /** BCP 47 primary language subtag, for example `en` or `zh`. */
  language: string;
  /** SHA-256 of the file's bytes, in hex. */
  sourceSha256: string;
  /** Size of the file in bytes. */
  bytes: number;
}

/**
 * Reads, decodes and normalises a document.
 *
 * Throws InputDocumentError when the file is missing, is not a regular file,
 * is larger than `maxBytes`, is empty or whitespace only, looks binary, or has
 * a format without a reader yet.
 */
export async function readDocument(filePath: string, options: ReadDocumentOptions = {}): Promise<ReadDocumentResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  if (!Number.isFinite(maxBytes) || maxBytes <= 0) {
    throw new ConfigError(`maxBytes must be a positive number of bytes, got ${maxBytes}; pass a limit such as ${DEFAULT_MAX_DOCUMENT_BYTES}`);
  }
  await checkFile(filePath, maxBytes);
  const bytes = await readBytes(filePath);
  // The file may have grown between stat and read.
  checkSize(filePath, bytes.length, maxBytes);
  if (bytes.length === 0) {
    throw new InputDocumentError(filePath, "file is empty; pass a document with text in it");
  }

  const format = detectFormat(filePath, bytes);
  const reader = getDocumentReader(format, filePath);
  const extracted = await reader.read(bytes, filePath);
  const normalized = normalizeText(extracted.text);
  if (normalized === "") {
    throw new InputDocumentError(filePath, "file contains only whitespace; pass a document with text in it");
  }

  const stripped = stripGutenbergBoilerplate(normalized);
  if (stripped.text.trim() === "") {
    throw new InputDocumentError(
      filePath,
      "file has no text outside its Project Gutenberg header and licence; pass the complete book",
    );
  }

  const title = stripped.title ?? reader.findTitle(stripped.text) ?? titleFromFileName(filePath);
  return {
    text: stripped.text,
    format,
    encoding: extracted.encoding,
    title,
    language: guessLanguage(stripped.text),
    sourceSha256: createHash("sha256").update(bytes).digest("hex"),
    bytes: bytes.length,
  };
}

async function checkFile(filePath: string, maxBytes: number): Promise<void> {
  let stats;
  try {
    stats = await stat(filePath);
  } catch (error) {
    throw fileSystemError(filePath, error);
  }
  if (stats.isDirectory()) {
    throw new InputDocumentError(filePath, "path is a directory, not a file; pass the path of a document file");
  }
  if (!stats.isFile()) {
    throw new InputDocumentError(filePath, "path is not a regular file; pass the path of a document file");
  }
  checkSize(filePath, stats.size, maxBytes);
}

function checkSize(filePath: string, size: number, maxBytes: number): void {
  if (size > maxBytes) {
    throw new InputDocumentError(
      filePath,
      `file is ${formatBytes(size)}, larger than the ${formatBytes(maxBytes)} limit; pass a smaller document or raise maxBytes`,
    );
  }
}

async function readBytes(filePath: string): Promise<Buffer> {
  try {
    return await readFile(filePath);
  } catch (error) {
    throw fileSystemError(filePath, error);
  }
}

function fileSystemError(filePath: string, error: unknown): InputDocumentError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT" || code === "ENOTDIR") {
    return new InputDocumentError(filePath, "file not found; check the path", { cause: error });
  }
  if (code === "EACCES" || code === "EPERM") {
    return new InputDocumentError(filePath, "permission denied; make the file readable", { cause: error });
  }
  if (code === "EISDIR") {
    return new InputDocumentError(filePath, "path is a directory, not a file; pass the path of a document file", {
      cause: error,
    });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new InputDocumentError(filePath, `file could not be read (${reason}); check the path and permissions`, {
    cause: error,
  });
}

function titleFromFileName(filePath: string): string {
  return path.basename(filePath, path.extname(filePath)) || path.basename(filePath);
}

function formatBytes(size: number): string {
  if (size < 1024) {
    return `${size} bytes`;
  }
  if (size < 1024 * 1024) {
    return `${(size / 1024).toFixed(1)} KiB`;
  }
  return `${(size / (1024 * 1024)).toFixed(1)} MiB`;
}
