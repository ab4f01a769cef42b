import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, InputDocumentError } from "../../src/errors.js";
import { readDocument } from "../../src/document/read-document.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const corpus = path.resolve(repoRoot, "../shared/corpus");

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "doc2video-read-document-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeInput(name: string, content: string | Uint8Array): Promise<string> {
  const filePath = path.join(dir, name);
  await writeFile(filePath, content);
  return filePath;
}

/** Returns the error readDocument throws, failing the test when it resolves. */
async function readError(filePath: string, options?: { maxBytes?: number }): Promise<InputDocumentError> {
  const error = await readDocument(filePath, options).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(InputDocumentError);
  return error as InputDocumentError;
}

describe("readDocument bad input", () => {
  it("rejects a missing file", async () => {
    const filePath = path.join(dir, "missing.md");
    const error = await readError(filePath);
    expect(error.message).toBe(`${filePath}: file not found; check the path`);
  });

  it("rejects a directory", async () => {
    const filePath = path.join(dir, "folder.md");
    await mkdir(filePath);
    const error = await readError(filePath);
    expect(error.message).toBe(`${filePath}: path is a directory, not a file; pass the path of a document file`);
  });

  it("rejects an empty file", async () => {
    const filePath = await writeInput("empty.txt", "");
    const error = await readError(filePath);
    expect(error.message).toBe(`${filePath}: file is empty; pass a document with text in it`);
  });

  it("rejects an empty file of a pending format as empty", async () => {
    const filePath = await writeInput("input.pdf", "");
    const error = await readError(filePath);
    expect(error.message).toBe(`${filePath}: file is empty; pass a document with text in it`);
  });

  it("rejects a whitespace-only file", async () => {
    const filePath = await writeInput("blank.md", " \r\n\t\n   \n\u3000\n");
    const error = await readError(filePath);
    expect(error.message).toBe(`${filePath}: file contains only whitespace; pass a document with text in it`);
  });

  it("rejects a file with NUL bytes as binary", async () => {
    const filePath = await writeInput("image.txt", Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x0d, 0x0a]));
    const error = await readError(filePath);
    expect(error.message).toMatch(/file looks binary \(it contains NUL bytes/);
  });

  it("rejects a file full of control characters as binary", async () => {
    const bytes = Buffer.alloc(400, "a");
    for (let i = 0; i < bytes.length; i += 10) {
      bytes[i] = 0x01;
    }
    const filePath = await writeInput("controls.dat", bytes);
    const error = await readError(filePath);
    expect(error.message).toContain("file looks binary (10.0% of its first 400 bytes are control characters)");
  });

  it("rejects a file larger than maxBytes", async () => {
    const filePath = await writeInput("large.md", "# Title\n\n" + "word ".repeat(400));
    const error = await readError(filePath, { maxBytes: 1024 });
    expect(error.message).toBe(
      `${filePath}: file is 2.0 KiB, larger than the 1.0 KiB limit; pass a smaller document or raise maxBytes`,
    );
  });

  it("rejects a zero maxBytes", async () => {
    const filePath = await writeInput("any.txt", "text");
    await expect(readDocument(filePath, { maxBytes: 0 })).rejects.toThrow(ConfigError);
  });

  it("accepts a file exactly at maxBytes", async () => {
    const filePath = await writeInput("exact.txt", "x".repeat(100));
    const result = await readDocument(filePath, { maxBytes: 100 });
    expect(result.bytes).toBe(100);
  });

  it("rejects a PDF as not supported yet", async () => {
    const filePath = await writeInput("paper.pdf", "%PDF-1.5\n");
    const error = await readError(filePath);
    expect(error.message).toBe(
      `${filePath}: PDF documents are not supported yet (supported: Markdown (.md, .markdown, .mdown, .mkd), plain text (.txt, .text)); convert the document to Markdown or plain text first`,
    );
  });

  it("rejects a PDF without extension by its signature", async () => {
    const filePath = await writeInput("paper", "%PDF-1.7\n%\u00e2\u00e3\n");
    const error = await readError(filePath);
    expect(error.message).toContain("PDF documents are not supported yet");
  });

  it.each([
    ["page.html", "HTML"],
    ["book.epub", "EPUB"],
    ["letter.docx", "DOCX"],
  ])("rejects %s as not supported yet", async (name, label) => {
    const filePath = await writeInput(name, "content");
    const error = await readError(filePath);
    expect(error.message).toContain(`${label} documents are not supported yet`);
  });

  it("rejects a Gutenberg file with no book between the markers", async () => {
    const filePath = await writeInput(
      "hollow.txt",
      "Title: Nothing\n\n*** START OF THE PROJECT GUTENBERG EBOOK NOTHING ***\n\n*** END OF THE PROJECT GUTENBERG EBOOK NOTHING ***\nlicence\n",
    );
    const error = await readError(filePath);
    expect(error.message).toContain("file has no text outside its Project Gutenberg header and licence");
  });
});

describe("readDocument encodings", () => {
  const sample = "Café “quoted” — naïve\nsecond line";

  it("reads UTF-8 without BOM", async () => {
    const filePath = await writeInput("plain.txt", sample);
    const result = await readDocument(filePath);
    expect(result.encoding).toBe("UTF-8");
    expect(result.text).toBe(sample);
  });

  it("reads UTF-8 with BOM and drops the BOM", async () => {
    const filePath = await writeInput("bom.txt", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(sample)]));
    const result = await readDocument(filePath);
    expect(result.encoding).toBe("UTF-8");
    expect(result.text).toBe(sample);
  });

  it("reads UTF-16LE with BOM", async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(sample, "utf16le")]);
    const filePath = await writeInput("utf16le.txt", bytes);
    const result = await readDocument(filePath);
    expect(result.encoding).toBe("UTF-16LE");
    expect(result.text).toBe(sample);
  });

  it("reads UTF-16BE with BOM", async () => {
    const bytes = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(sample, "utf16le").swap16()]);
    const filePath = await writeInput("utf16be.md", bytes);
    const result = await readDocument(filePath);
    expect(result.encoding).toBe("UTF-16BE");
    expect(result.text).toBe(sample);
  });

  it("reads Windows-1252 bytes", async () => {
    const text = "The \u201cPenang lawyer\u201d \u2014 caf\u00e9 na\u00efvet\u00e9, 10\u20ac and Project Gutenberg\u2122.\n".repeat(20).trim();
    const filePath = await writeInput("legacy.txt", iconv.encode(text, "windows-1252"));
    const result = await readDocument(filePath);
    expect(result.encoding).toBe("windows-1252");
    expect(result.text).toBe(text);
  });

  it("normalises CRLF and CR line endings", async () => {
    const filePath = await writeInput("crlf.txt", "one\r\ntwo\rthree\r\n");
    const result = await readDocument(filePath);
    expect(result.text).toBe("one\ntwo\nthree");
  });

  it("strips trailing whitespace and outer blank lines", async () => {
    const filePath = await writeInput("spaces.txt", "\n\n  indented  \t\nnext \u00a0\n   \n\nlast\n\n\n");
    const result = await readDocument(filePath);
    expect(result.text).toBe("  indented\nnext\n\n\nlast");
  });

  it("normalises to NFC", async () => {
    const filePath = await writeInput("nfd.txt", "Cafe\u0301 and re\u0301sume\u0301");
    const result = await readDocument(filePath);
    expect(result.text).toBe("Caf\u00e9 and r\u00e9sum\u00e9");
  });
});

describe("readDocument Gutenberg boilerplate", () => {
  it("strips header and footer with asterisks and keeps the Title line", async () => {
    const filePath = await writeInput(
      "pg.txt",
      [
        "The Project Gutenberg eBook of A Test",
        "",
        "Title: A Test Book",
        "",
        "*** START OF THE PROJECT GUTENBERG EBOOK A TEST ***",
        "",
        "Chapter 1",
        "",
        "Body.",
        "",
        "*** END OF THE PROJECT GUTENBERG EBOOK A TEST ***",
        "Project Gutenberg licence text.",
      ].join("\n"),
    );
    const result = await readDocument(filePath);
    expect(result.text).toBe("Chapter 1\n\nBody.");
    expect(result.title).toBe("A Test Book");
  });

  it("strips plain-text markers without asterisks", async () => {
    const filePath = await writeInput(
      "old-pg.txt",
      [
        "Project Gutenberg's Old Book",
        "START OF THIS PROJECT GUTENBERG EBOOK OLD BOOK",
        "The story.",
        "End of the Project Gutenberg EBook of Old Book",
        "licence",
      ].join("\n"),
    );
    const result = await readDocument(filePath);
    expect(result.text).toBe("The story.");
  });

  it("strips an old-style end line with no start marker", async () => {
    const filePath = await writeInput("tail.txt", "The story.\n\nEnd of Project Gutenberg's Tail, by Someone\nlicence");
    const result = await readDocument(filePath);
    expect(result.text).toBe("The story.");
  });
});

describe("readDocument corpus", () => {
  it("reads Frankenstein as Windows-1252 without licence", async () => {
    const filePath = path.join(corpus, "frankenstein-gutenberg.txt");
    const result = await readDocument(filePath);
    const bytes = await readFile(filePath);
    expect(result.format).toBe("text");
    expect(result.encoding).toBe("windows-1252");
    expect(result.title).toBe("Frankenstein; Or, The Modern Prometheus");
    expect(result.language).toBe("en");
    expect(result.bytes).toBe(bytes.length);
    expect(result.sourceSha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(result.text).not.toMatch(/Project Gutenberg/i);
    expect(result.text).not.toContain("\r");
    expect(result.text).toContain("St. Petersburgh, Dec. 11th, 17\u2014.");
  });

  it("reads Hound title from its first heading", async () => {
    const result = await readDocument(path.join(corpus, "hound-of-the-baskervilles.md"));
    expect(result.format).toBe("markdown");
    expect(result.title).toBe("The Hound of the Baskervilles");
    expect(result.text).not.toMatch(/[ \t]$/m);
  });

  it("reads Journey to the West as Chinese", async () => {
    const result = await readDocument(path.join(corpus, "journey-to-the-west-zh.txt"));
    expect(result.encoding).toBe("UTF-8");
    expect(result.language).toBe("zh");
    expect(result.title).toBe("journey-to-the-west-zh");
    expect(result.text).not.toContain("Project Gutenberg");
  });
});

describe("readDocument language", () => {
  it.each([
    ["ja.txt", "吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。", "ja"],
    ["ru.txt", "Все счастливые семьи похожи друг на друга.", "ru"],
    ["fr.txt", "Le petit prince est dans la maison et il ne veut pas que les enfants partent.", "fr"],
    ["de.txt", "Der Hund und die Katze sind nicht in dem Haus, und das ist ein Problem.", "de"],
  ])("guesses %s", async (name, text, language) => {
    const filePath = await writeInput(name, text);
    const result = await readDocument(filePath);
    expect(result.language).toBe(language);
  });
});
