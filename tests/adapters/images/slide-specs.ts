/** Slide specs for the renderer and layout tests, including the hard cases. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { SlideSpec } from "../../../src/adapters/images/slide-renderer.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const corpusRoot = path.resolve(repoRoot, "../shared/corpus");

export const englishSpec: SlideSpec = {
  documentTitle: "The Hound of the Baskervilles — Arthur Conan Doyle",
  chapterTitle: "Mr. Sherlock Holmes",
  chapterNumber: 1,
  chapterCount: 15,
  sceneNumber: 2,
  sceneCount: 5,
  sceneTitle: "Reading a stranger from his walking stick",
  keyPoints: [
    "Holmes studies the stick Dr. Mortimer left behind the night before.",
    "Watson guesses a country doctor; Holmes sharpens every inference.",
    "The worn ferrule and tooth marks point to a walker with a small dog.",
    "A young, amiable, absent-minded man is deduced before he arrives.",
  ],
  language: "en",
  width: 1920,
  height: 1080,
};

const sentence =
  "A key point far longer than any script should produce, which goes on to describe every detail of the scene. ";

export const overlongSpec: SlideSpec = {
  ...englishSpec,
  documentTitle: "An Exceedingly Long Document Title That Names Every Volume ".repeat(6),
  chapterTitle: "A chapter title that keeps going well past any length a slide could show ".repeat(3),
  sceneTitle: "A scene title that rambles on about its subject in far too many words ".repeat(5),
  keyPoints: Array.from({ length: 7 }, () => sentence.repeat(6)),
  chapterNumber: 88,
  chapterCount: 120,
  sceneNumber: 40,
  sceneCount: 40,
};

export const longWordSpec: SlideSpec = {
  ...englishSpec,
  sceneTitle: "W".repeat(200),
  keyPoints: ["m".repeat(200), "Short point."],
};

/** Builds a slide from the first chapter heading and opening sentences of the Chinese corpus (Traditional script). */
export function chineseSpec(): SlideSpec {
  const text = readFileSync(path.join(corpusRoot, "journey-to-the-west-zh.txt"), "utf8");
  const heading = text.split("\n").find((line) => line.startsWith("第一回"))?.trim() ?? "";
  const chapterTitle = heading.replace(/^第一回\s*/u, "");
  const sentences = text
    .replace(/\s+/gu, "")
    .split(/(?<=。)/u)
    .filter((candidate) => candidate.length > 12 && !candidate.includes("詩曰"))
    .slice(0, 4);
  return {
    documentTitle: "西遊記",
    chapterTitle,
    chapterNumber: 1,
    chapterCount: 100,
    sceneNumber: 1,
    sceneCount: 4,
    sceneTitle: chapterTitle.split(/[\s\u3000]/u)[0] ?? chapterTitle,
    keyPoints: sentences,
    language: "zh",
    width: 1920,
    height: 1080,
  };
}

export const mixedSpec: SlideSpec = {
  ...englishSpec,
  sceneTitle: "Monkey King 孫悟空 and the Jade Emperor",
  keyPoints: ["Sun Wukong (孫悟空) is born from a stone egg on 花果山.", "The title 美猴王 means Handsome Monkey King."],
};

export const smallSpec: SlideSpec = { ...englishSpec, width: 1280, height: 720 };
