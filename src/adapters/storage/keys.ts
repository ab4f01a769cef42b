/**
 * Deterministic, safe storage keys: `runs/<run id>/<chapter>/<stage>/<file>`.
 * The same inputs always give the same key, so a re-run writes to the keys
 * the first attempt used and the create-only rule turns repeats into no-ops.
 */
import { InvalidStorageKeyError } from "../../errors.js";

// Control characters, DEL and the C1 range are never valid in a key.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** Throws `InvalidStorageKeyError` unless `key` is relative, has no `.`/`..` segment and no control character. */
export function assertSafeKey(key: string): string {
  if (key.length === 0) throw new InvalidStorageKeyError(key, "the key is empty");
  if (Buffer.byteLength(key, "utf8") > 1024) throw new InvalidStorageKeyError(key, "the key is longer than 1024 bytes");
  if (CONTROL_CHARACTERS.test(key)) throw new InvalidStorageKeyError(key, "the key contains a control character");
  if (key.startsWith("/") || /^[a-zA-Z]:/.test(key)) throw new InvalidStorageKeyError(key, "the key is an absolute path");
  if (key.includes("\\")) throw new InvalidStorageKeyError(key, "the key contains a backslash");
  for (const segment of key.split("/")) {
    if (segment === "") throw new InvalidStorageKeyError(key, "the key has an empty path segment");
    if (segment === "." || segment === "..") throw new InvalidStorageKeyError(key, `the key has a "${segment}" segment`);
  }
  return key;
}

/**
 * Turns a title into a key segment: NFC-normalised, spaces to dashes,
 * separators and control characters dropped, at most 60 characters.
 * Letters of any script (Chinese included) are kept.
 */
export function keySegment(title: string, maxLength = 60): string {
  const cleaned = title
    .normalize("NFC")
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, "")
    .replace(/[/\\]/g, " ")
    // These are invalid in Windows file names (and `:` shows as `/` in macOS Finder); downloads keep key names.
    .replace(/[:*?"<>|]/g, "")
    .trim()
    .replace(/\s+/g, "-")
    .replace(/^\.+/, "");
  const shortened = Array.from(cleaned).slice(0, maxLength).join("");
  return shortened.length > 0 ? shortened : "untitled";
}

/** Zero-padded chapter folder, for example `ch03`. */
export function chapterSegment(chapterIndex: number): string {
  return `ch${String(chapterIndex + 1).padStart(2, "0")}`;
}

/** The parts a key is built from. */
export interface ArtifactKeyParts {
  runId: string;
  /** Zero-based chapter index; omitted for run-level artifacts. */
  chapterIndex?: number;
  /** Pipeline stage: `source`, `script`, `audio`, `slides`, `video`, `captions`, `calls`, `manifest`. */
  stage: string;
  /** File name, already safe; scene files are named `scene-03.wav` and the like. */
  file: string;
}

/** Builds the deterministic key of one artifact. */
export function artifactKey(parts: ArtifactKeyParts): string {
  const segments = ["runs", parts.runId];
  if (parts.chapterIndex !== undefined) segments.push(chapterSegment(parts.chapterIndex));
  segments.push(parts.stage, parts.file);
  return assertSafeKey(segments.join("/"));
}

/** Prefix of every key of one run. */
export function runPrefix(runId: string): string {
  return `runs/${runId}/`;
}
