/**
 * Decoding of text files whose encoding is not declared anywhere: byte order
 * marks first, then strict UTF-8, then a guess among legacy encodings.
 */
import chardet from "chardet";
import iconv from "iconv-lite";
import { InputDocumentError } from "../errors.js";
import type { ExtractedText } from "./document-reader.js";

/** Bytes inspected when looking for control characters and guessing a legacy encoding. */
const SAMPLE_BYTES = 64 * 1024;

/**
 * Share of C0 control bytes (other than tab, line feed, form feed and carriage
 * return) above which a file counts as binary. Text files have almost none; an
 * old DOS file may end with a single SUB byte.
 */
const MAX_CONTROL_BYTE_SHARE = 0.01;

/** chardet confidence (0 to 100) needed before its guess beats the Windows-1252 fallback. */
const MIN_GUESS_CONFIDENCE = 50;

/** Bytes that Windows-1252 leaves undefined; a file containing one is not Windows-1252. */
const WINDOWS_1252_UNDEFINED = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

/** Encodings chardet reports for Western European text; all are read as Windows-1252, a superset. */
const LATIN_1_FAMILY = new Set(["ISO-8859-1", "windows-1252", "ISO-8859-15"]);

const BYTE_ORDER_MARKS: ReadonlyArray<{ bytes: readonly number[]; encoding: string }> = [
  // UTF-32 before UTF-16, because the UTF-32LE mark starts with the UTF-16LE one.
  { bytes: [0xff, 0xfe, 0x00, 0x00], encoding: "UTF-32LE" },
  { bytes: [0x00, 0x00, 0xfe, 0xff], encoding: "UTF-32BE" },
  { bytes: [0xef, 0xbb, 0xbf], encoding: "UTF-8" },
  { bytes: [0xff, 0xfe], encoding: "UTF-16LE" },
  { bytes: [0xfe, 0xff], encoding: "UTF-16BE" },
];

/**
 * Decodes the bytes of a text file and reports the encoding used.
 *
 * Throws InputDocumentError when the bytes look binary or match no encoding.
 */
export function decodeText(bytes: Uint8Array, filePath: string): ExtractedText {
  const marked = decodeWithByteOrderMark(bytes, filePath);
  if (marked) {
    return marked;
  }

  rejectBinary(bytes, filePath);

  const utf8 = decodeStrict("utf-8", bytes);
  if (utf8 !== undefined) {
    return { text: utf8, encoding: "UTF-8" };
  }
  return decodeLegacy(bytes, filePath);
}

function decodeWithByteOrderMark(bytes: Uint8Array, filePath: string): ExtractedText | undefined {
  const mark = BYTE_ORDER_MARKS.find((candidate) => candidate.bytes.every((byte, i) => bytes[i] === byte));
  if (!mark) {
    return undefined;
  }
  const body = bytes.subarray(mark.bytes.length);
  const text =
    mark.encoding === "UTF-8" || mark.encoding === "UTF-16LE"
      ? decodeStrict(mark.encoding.toLowerCase(), body)
      : decodeWithIconv(mark.encoding, body);
  if (text === undefined) {
    throw new InputDocumentError(
      filePath,
      `file starts with a ${mark.encoding} byte order mark but is not valid ${mark.encoding}; re-save it as UTF-8`,
    );
  }
  return { text, encoding: mark.encoding };
}

function rejectBinary(bytes: Uint8Array, filePath: string): void {
  if (bytes.includes(0)) {
    throw new InputDocumentError(
      filePath,
      "file looks binary (it contains NUL bytes and no UTF-16 byte order mark); pass a text or Markdown document, or convert this one to text first",
    );
  }
  const sample = bytes.subarray(0, SAMPLE_BYTES);
  let controlBytes = 0;
  for (const byte of sample) {
    const allowed = byte === 0x09 || byte === 0x0a || byte === 0x0c || byte === 0x0d;
    if (byte < 0x20 && !allowed) {
      controlBytes += 1;
    }
  }
  const share = controlBytes / sample.length;
  if (share > MAX_CONTROL_BYTE_SHARE) {
    throw new InputDocumentError(
      filePath,
      `file looks binary (${(share * 100).toFixed(1)}% of its first ${sample.length} bytes are control characters); pass a text or Markdown document, or convert this one to text first`,
    );
  }
}

/**
 * Picks an encoding for bytes that are not valid UTF-8. A confident guess of a
 * non-Western encoding (GB18030, Shift_JIS, windows-1251, ...) wins. Otherwise
 * Windows-1252 is used when every byte is defined in it, because older Western
 * text files are most often Windows-1252.
 */
function decodeLegacy(bytes: Uint8Array, filePath: string): ExtractedText {
  const guesses = chardet.analyse(bytes.subarray(0, SAMPLE_BYTES));
  const best = guesses[0];
  const bestIsOther =
    best !== undefined &&
    !LATIN_1_FAMILY.has(best.name) &&
    best.confidence >= MIN_GUESS_CONFIDENCE &&
    iconv.encodingExists(best.name);
  if (best && bestIsOther) {
    return { text: iconv.decode(Buffer.from(bytes), best.name), encoding: best.name };
  }

  if (!bytes.some((byte) => WINDOWS_1252_UNDEFINED.has(byte))) {
    return { text: iconv.decode(Buffer.from(bytes), "windows-1252"), encoding: "windows-1252" };
  }

  const fallback = guesses.find((guess) => iconv.encodingExists(guess.name) && !LATIN_1_FAMILY.has(guess.name));
  if (fallback) {
    return { text: iconv.decode(Buffer.from(bytes), fallback.name), encoding: fallback.name };
  }
  throw new InputDocumentError(
    filePath,
    "file is not valid UTF-8 and its encoding could not be detected; re-save it as UTF-8",
  );
}

/** Returns the decoded text, or undefined when the bytes are invalid in that encoding. */
function decodeStrict(encoding: string, bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function decodeWithIconv(encoding: string, bytes: Uint8Array): string | undefined {
  const text = iconv.decode(Buffer.from(bytes), encoding, { stripBOM: false });
  // iconv-lite replaces invalid sequences instead of throwing, so check for its replacement character.
  return text.includes("\uFFFD") ? undefined : text;
}
