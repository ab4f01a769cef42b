/**
 * Normalises extracted text so chapter offsets and hashes do not depend on the
 * platform that wrote the file: `\n` line endings, Unicode NFC, no trailing
 * whitespace on any line, no blank lines at the start or end.
 */
export function normalizeText(text: string): string {
  return text
    .replace(/^\uFEFF/, "")
    .replace(/\r\n?/g, "\n")
    .normalize("NFC")
    .replace(/[^\S\n]+$/gm, "")
    .replace(/^\n+/, "")
    .replace(/\n+$/, "");
}
