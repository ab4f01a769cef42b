/**
 * Removal of the Project Gutenberg header and licence, so neither is narrated
 * nor mistaken for a chapter.
 *
 * Current files mark the book with `*** START OF THE PROJECT GUTENBERG EBOOK
 * ... ***` and `*** END OF THE PROJECT GUTENBERG EBOOK ... ***`; older ones use
 * the same words without asterisks, `End of (the) Project Gutenberg('s) ...`,
 * or end their header with `*END*THE SMALL PRINT! ...`.
 */

/** Text with the boilerplate removed, plus the title from the header when it has one. */
export interface GutenbergStripResult {
  text: string;
  /** Value of the header's `Title:` line. */
  title?: string;
}

const START_MARKER = /^[^\S\n]*(?:\*{3}[^\S\n]*)?START OF (?:THE |THIS )?PROJECT GUTENBERG E-?(?:BOOK|TEXT)\b.*$/im;
const SMALL_PRINT_END = /^.*\*END\*[^\S\n]*THE SMALL PRINT!.*$/im;
const END_MARKER = /^[^\S\n]*(?:\*{3}[^\S\n]*)?END OF (?:THE |THIS )?PROJECT GUTENBERG\b/im;
/** `Title:` line plus any indented continuation lines. */
const TITLE_LINE = /^Title:[^\S\n]*(.+(?:\n[^\S\n]+\S.*)*)$/m;

/** Strips the Project Gutenberg header and licence footer; returns the text unchanged when it has neither. */
export function stripGutenbergBoilerplate(text: string): GutenbergStripResult {
  let bodyStart = 0;
  let title: string | undefined;

  const start = START_MARKER.exec(text) ?? SMALL_PRINT_END.exec(text);
  if (start) {
    bodyStart = start.index + start[0].length;
    const header = text.slice(0, start.index);
    const titleMatch = TITLE_LINE.exec(header);
    if (titleMatch?.[1]) {
      title = titleMatch[1].replace(/\s+/g, " ").trim();
    }
  }

  let bodyEnd = text.length;
  const end = END_MARKER.exec(text.slice(bodyStart));
  if (end) {
    bodyEnd = bodyStart + end.index;
  }

  const body = text.slice(bodyStart, bodyEnd).replace(/^\n+/, "").replace(/\s+$/, "");
  return title === undefined ? { text: body } : { text: body, title };
}
