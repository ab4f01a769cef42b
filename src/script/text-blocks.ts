/**
 * Splits a chapter into paragraphs and headings before sentence splitting.
 * Blank lines, headings, list items, tables, rules, HTML comments, code
 * fences and command-line option lists end a paragraph. All but headings and
 * list items are dropped, because they are never narrated.
 */

/** A run of text between block boundaries; offsets index the chapter text. */
export interface TextBlock {
  start: number;
  end: number;
  kind: "paragraph" | "heading";
}

interface Line {
  start: number;
  /** End of the line's content, before `\r\n` or `\n`. */
  end: number;
  content: string;
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const BLANK = /^\s*$/;
const HEADING = /^\s{0,3}#{1,6}(?:\s|$)/;
const TABLE_ROW = /^\s*\|/;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$/;
const THEMATIC_BREAK = /^\s{0,3}([-*_])(?:\s*\1){2,}\s*$/;
const LIST_ITEM = /^\s*(?:[-*+•]|\d{1,3}[.)])\s+\S/;
const COMMENT_LINE = /^\s*<!--[\s\S]*-->\s*$/;
/** A help-text line such as `    -h, --help        Print this help text`: an option, then a column gap, then its description. */
// Arguments after the option name must be capitalised or bracketed, so a wrapped prose line opening with a "--" dash is not taken for one.
const OPTION_LINE = /^\s*(?:-[A-Za-z0-9],\s+)?--?[A-Za-z0-9][\w-]*(?:[ =][A-Z[][^\s]*)*\s{2,}\S/;

function indentationOf(content: string): number {
  return /^\s*/.exec(content)![0].length;
}

function* linesOf(text: string): Generator<Line> {
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf("\n", start);
    const lineEnd = newline === -1 ? text.length : newline;
    const end = lineEnd > start && text[lineEnd - 1] === "\r" ? lineEnd - 1 : lineEnd;
    yield { start, end, content: text.slice(start, end) };
    start = lineEnd + 1;
  }
}

/** Partitions `text` into paragraph and heading blocks, in source order. */
export function partitionBlocks(text: string): TextBlock[] {
  const blocks: TextBlock[] = [];
  let paragraph: { start: number; end: number } | undefined;
  let openFence: string | undefined;
  let inComment = false;
  let inTable = false;
  /** Indentation of the option list being skipped; deeper lines continue a description. */
  let optionIndentation: number | undefined;

  const closeParagraph = (): void => {
    if (paragraph) blocks.push({ ...paragraph, kind: "paragraph" });
    paragraph = undefined;
  };

  const lines = [...linesOf(text)];
  for (const [index, line] of lines.entries()) {
    const { content } = line;

    if (openFence !== undefined) {
      if (content.trim().startsWith(openFence)) openFence = undefined;
      continue;
    }
    if (inComment) {
      if (content.includes("-->")) inComment = false;
      continue;
    }
    if (inTable) {
      if (!BLANK.test(content) && content.includes("|")) continue;
      inTable = false;
    }
    if (optionIndentation !== undefined) {
      if (OPTION_LINE.test(content) || (!BLANK.test(content) && indentationOf(content) > optionIndentation + 4)) continue;
      optionIndentation = undefined;
    }

    const fence = FENCE.exec(content);
    if (fence?.[1]) {
      closeParagraph();
      openFence = fence[1];
      continue;
    }
    if (content.includes("<!--") && !content.slice(content.indexOf("<!--")).includes("-->")) {
      // A comment that opens here and closes on a later line; text before it on this line is dropped too.
      closeParagraph();
      inComment = true;
      continue;
    }
    if (BLANK.test(content) || COMMENT_LINE.test(content)) {
      closeParagraph();
      continue;
    }
    const next = lines[index + 1]?.content;
    if (content.includes("|") && next !== undefined && TABLE_SEPARATOR.test(next) && next.includes("|")) {
      // A pipe table whose rows need not start with "|": the header line is followed by a `---|---` separator.
      closeParagraph();
      inTable = true;
      continue;
    }
    if (TABLE_ROW.test(content) || TABLE_SEPARATOR.test(content) || THEMATIC_BREAK.test(content)) {
      closeParagraph();
      continue;
    }
    if (OPTION_LINE.test(content)) {
      closeParagraph();
      optionIndentation = indentationOf(content);
      continue;
    }
    if (HEADING.test(content)) {
      closeParagraph();
      blocks.push({ start: line.start, end: line.end, kind: "heading" });
      continue;
    }
    if (LIST_ITEM.test(content)) closeParagraph();

    if (paragraph) paragraph.end = line.end;
    else paragraph = { start: line.start, end: line.end };
  }
  closeParagraph();
  return blocks;
}
