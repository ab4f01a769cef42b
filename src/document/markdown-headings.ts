/**
 * A line scanner for Markdown headings that follows CommonMark where it
 * matters for chapters. It finds ATX headings (`#` to `######` after at most
 * three spaces) and setext headings (a text line underlined with `===` or
 * `---`). It finds none inside fenced code blocks (``` or ~~~) or multi-line
 * HTML comments.
 */

/** One heading and where it sits in the text. */
export interface MarkdownHeading {
  /** 1 for `#` or `===`, 2 for `##` or `---`, up to 6. */
  level: number;
  /** Heading text with inline Markdown removed. */
  title: string;
  /** Offset of the heading's first character (the `#`, or the text line of a setext heading). */
  start: number;
  /** Offset just after the heading, including its line break. */
  end: number;
}

/** A line and its offsets; `end` excludes the line break, `next` is where the following line starts. */
export interface TextLine {
  text: string;
  start: number;
  end: number;
  next: number;
}

const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(={3,}|-{3,})[ \t]*$/;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;
/** Lines that cannot be the text of a setext heading: list items, quotes, tables, HTML, fences. */
const NOT_SETEXT_TEXT = /^\s*(?:[-*+][ \t]|\d+[.)][ \t]|>|\||<|`{3}|~{3}|#)/;

/** Splits text into lines with their offsets. */
export function splitLines(text: string): TextLine[] {
  const lines: TextLine[] = [];
  let start = 0;
  while (start <= text.length) {
    const newline = text.indexOf("\n", start);
    const end = newline === -1 ? text.length : newline;
    lines.push({ text: text.slice(start, end), start, end, next: newline === -1 ? text.length + 1 : newline + 1 });
    start = end + 1;
  }
  return lines;
}

/** Lists the headings of a Markdown text in document order, skipping code fences and HTML comments. */
export function parseMarkdownHeadings(text: string): MarkdownHeading[] {
  const lines = splitLines(text);
  const headings: MarkdownHeading[] = [];
  let fence: string | undefined;
  let inComment = false;

  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;

    if (fence !== undefined) {
      if (closesFence(line.text, fence)) {
        fence = undefined;
      }
      continue;
    }
    if (inComment) {
      inComment = !line.text.includes("-->");
      continue;
    }

    const fenceOpen = FENCE_OPEN.exec(line.text);
    if (fenceOpen) {
      fence = fenceOpen[1]!;
      continue;
    }
    if (/^\s*<!--/.test(line.text) && !line.text.includes("-->")) {
      inComment = true;
      continue;
    }

    const atx = ATX_HEADING.exec(line.text);
    if (atx) {
      headings.push({
        level: atx[1]!.length,
        title: cleanInlineMarkdown(atx[2] ?? ""),
        start: line.start,
        end: Math.min(line.next, text.length),
      });
      continue;
    }

    const underline = SETEXT_UNDERLINE.exec(line.text);
    const previous = lines[i - 1];
    if (underline && previous && isSetextText(lines, i - 1)) {
      headings.push({
        level: underline[1]!.startsWith("=") ? 1 : 2,
        title: cleanInlineMarkdown(previous.text),
        start: previous.start,
        end: Math.min(line.next, text.length),
      });
    }
  }
  return headings;
}

/**
 * Accepts only a one-line paragraph as setext heading text. CommonMark also
 * allows several lines, but then a `---` rule under wrapped prose would turn a
 * whole paragraph into a heading, which is rarely what the author meant.
 */
function isSetextText(lines: readonly TextLine[], index: number): boolean {
  const candidate = lines[index]!;
  const before = lines[index - 1];
  return (
    candidate.text.trim() !== "" &&
    !NOT_SETEXT_TEXT.test(candidate.text) &&
    /^ {0,3}\S/.test(candidate.text) &&
    (before === undefined || before.text.trim() === "")
  );
}

/** Tests for a closing fence: the opening character, at least as many times, and nothing after it. */
function closesFence(line: string, fence: string): boolean {
  const match = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
  return match !== null && match[1]![0] === fence[0] && match[1]!.length >= fence.length;
}

/** Removes inline Markdown (links, images, emphasis, code spans, HTML tags) and collapses whitespace. */
export function cleanInlineMarkdown(text: string): string {
  return text
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, "")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/(\*\*|__)(.+?)\1/g, "$2")
    .replace(/(^|[^\p{L}\p{N}])[*_](\S(?:.*?\S)?)[*_](?=$|[^\p{L}\p{N}])/gu, "$1$2")
    .replace(/\s+/g, " ")
    .trim();
}
