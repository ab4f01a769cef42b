/** Reader for plain text files, and for files of unknown type that decode as text. */
import { decodeText } from "../decode-text.js";
import type { DocumentReader } from "../document-reader.js";

export const textReader: DocumentReader = {
  format: "text",
  label: "plain text",
  extensions: [".txt", ".text"],
  read: async (bytes, filePath) => decodeText(bytes, filePath),
  // Plain text has no markup that marks a title; readDocument falls back to the header or file name.
  findTitle: () => undefined,
};
