/** Reader for Markdown files; the title is the first heading outside code fences. */
import { decodeText } from "../decode-text.js";
import type { DocumentReader } from "../document-reader.js";
import { parseMarkdownHeadings } from "../markdown-headings.js";

export const markdownReader: DocumentReader = {
  format: "markdown",
  label: "Markdown",
  extensions: [".md", ".markdown", ".mdown", ".mkd"],
  read: async (bytes, filePath) => decodeText(bytes, filePath),
  findTitle: findMarkdownTitle,
};

/** Returns the first non-empty heading, without a leading `Title:` label as some converted books carry. */
function findMarkdownTitle(text: string): string | undefined {
  for (const heading of parseMarkdownHeadings(text)) {
    const title = heading.title.replace(/^title:\s*/i, "").trim();
    if (title !== "") {
      return title;
    }
  }
  return undefined;
}
