/**
 * Fonts for slides, from the @fontsource packages: Inter for Latin, Greek and
 * Cyrillic, Noto Sans SC and Noto Sans TC for Chinese.
 *
 * Fontsource splits each family into subset files per Unicode range (Noto Sans
 * SC 5.3.0 has 101 of them per weight) and lists the ranges in `unicode.json`.
 * @napi-rs/canvas picks one face per family name and weight, so every file is
 * registered under its own family alias. A `ctx.font` family list then names
 * the subsets that the slide's characters need, in order of preference, and
 * the canvas falls back along that list per character.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { GlobalFonts } from "@napi-rs/canvas";
import { Doc2VideoError } from "../../errors.js";
import { getLogger } from "../../logger.js";

/** Font weights the slide design uses; each weight is a separate file per subset. */
export type FontWeight = 400 | 500 | 700;

/** The weights registered for every subset a slide needs. */
export const FONT_WEIGHTS: readonly FontWeight[] = [400, 500, 700];

/** A font file that could not be found or registered. */
export class FontLoadError extends Doc2VideoError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FontLoadError";
  }
}

/** One fontsource package and the family name its aliases start with. */
interface FontSource {
  packageName: string;
  familyName: string;
}

const INTER: FontSource = { packageName: "@fontsource/inter", familyName: "Inter" };
const NOTO_SANS_SC: FontSource = { packageName: "@fontsource/noto-sans-sc", familyName: "Noto Sans SC" };
const NOTO_SANS_TC: FontSource = { packageName: "@fontsource/noto-sans-tc", familyName: "Noto Sans TC" };

/** A subset file's code point ranges, sorted by start. */
interface SubsetRanges {
  /** The subset's name in `unicode.json` without brackets, as in the file name (`latin`, `4`). */
  subset: string;
  order: number;
  ranges: Array<[number, number]>;
}

interface LoadedSource {
  source: FontSource;
  directory: string;
  /** Every range of every subset, sorted by start, for binary search. */
  index: Array<{ start: number; end: number; subset: SubsetRanges }>;
}

const log = getLogger("fonts");
const require = createRequire(import.meta.url);
const loadedSources = new Map<string, LoadedSource>();
const registeredAliases = new Map<string, string>();

/** The family lists for one slide, one per weight, ready for `ctx.font`. */
export class FontStack {
  constructor(private readonly familiesByWeight: ReadonlyMap<FontWeight, string>) {}

  /** Returns a CSS font shorthand such as `700 48px "Inter latin 700", "Noto Sans SC 4 700"`. */
  css(weight: FontWeight, sizePx: number): string {
    const families = this.familiesByWeight.get(weight);
    if (families === undefined) {
      throw new FontLoadError(`font weight ${weight} is not registered; use one of ${FONT_WEIGHTS.join(", ")}`);
    }
    return `${weight} ${sizePx.toFixed(2)}px ${families}`;
  }
}

/**
 * Registers the subset files that `text` needs (once per file, on first use)
 * and returns their family lists. `language` orders the families: Chinese
 * prefers the Noto face of its script, every other language prefers Inter.
 */
export function loadFontStack(text: string, language: string): FontStack {
  const sources = sourcesFor(language).map(loadSource);
  const subsets = subsetsNeeded(text, sources);
  const started = performance.now();
  let newlyRegistered = 0;
  const familiesByWeight = new Map<FontWeight, string>();

  for (const weight of FONT_WEIGHTS) {
    const aliases: string[] = [];
    for (const { source, subset } of subsets) {
      const { alias, isNew } = registerSubset(source, subset, weight);
      aliases.push(JSON.stringify(alias));
      if (isNew) newlyRegistered += 1;
    }
    familiesByWeight.set(weight, aliases.join(", "));
  }

  if (newlyRegistered > 0) {
    log.debug(
      { files: newlyRegistered, ms: Math.round(performance.now() - started) },
      "registered slide font files",
    );
  }
  return new FontStack(familiesByWeight);
}

/** Orders the font packages for a BCP 47 language tag. */
function sourcesFor(language: string): FontSource[] {
  const tag = language.toLowerCase();
  if (/^zh-(hant|tw|hk|mo)\b/.test(tag)) return [NOTO_SANS_TC, NOTO_SANS_SC, INTER];
  if (tag === "zh" || tag.startsWith("zh-")) return [NOTO_SANS_SC, NOTO_SANS_TC, INTER];
  // NOTE: Japanese and Korean get the kana and hangul that Noto Sans SC and TC
  // happen to contain; @fontsource/noto-sans-jp and -kr are not installed.
  return [INTER, NOTO_SANS_SC, NOTO_SANS_TC];
}

/**
 * Picks, for each character, the first source whose subsets contain it, and
 * returns the distinct subsets in source order. The first source's `latin`
 * subset is always included so digits and labels have a face.
 */
function subsetsNeeded(
  text: string,
  sources: LoadedSource[],
): Array<{ source: LoadedSource; subset: SubsetRanges }> {
  const chosen = new Map<string, { source: LoadedSource; subset: SubsetRanges; rank: number }>();
  const add = (sourceRank: number, source: LoadedSource, subset: SubsetRanges): void => {
    const key = `${source.source.packageName}/${subset.subset}`;
    // Within a package the `latin` subset goes first, so Latin letters and
    // punctuation keep one face even where numbered subsets overlap it.
    const subsetRank = subset.subset === "latin" ? -1 : subset.order;
    if (!chosen.has(key)) chosen.set(key, { source, subset, rank: sourceRank * 10_000 + subsetRank });
  };

  const primary = sources[0];
  const primaryLatin = primary?.index.find((entry) => entry.subset.subset === "latin")?.subset;
  if (primary !== undefined && primaryLatin !== undefined) add(0, primary, primaryLatin);

  // NOTE: a character outside every package's ranges (Noto Sans SC and TC 5.3.0
  // still lack some rare Traditional ideographs) comes from an installed font,
  // and draws as a missing-glyph box when no installed font has it.
  for (const char of new Set(text)) {
    const codePoint = char.codePointAt(0) ?? 0;
    if (codePoint <= 0x20) continue;
    for (const [rank, source] of sources.entries()) {
      const subset = findSubset(source, codePoint);
      if (subset !== undefined) {
        add(rank, source, subset);
        break;
      }
    }
  }
  return [...chosen.values()].sort((a, b) => a.rank - b.rank);
}

function findSubset(source: LoadedSource, codePoint: number): SubsetRanges | undefined {
  let low = 0;
  let high = source.index.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const entry = source.index[middle]!;
    if (codePoint < entry.start) high = middle - 1;
    else if (codePoint > entry.end) low = middle + 1;
    else return entry.subset;
  }
  return undefined;
}

/** Reads a package's `unicode.json` once and indexes its ranges. */
function loadSource(source: FontSource): LoadedSource {
  const cached = loadedSources.get(source.packageName);
  if (cached !== undefined) return cached;

  let unicodePath: string;
  let table: Record<string, string>;
  try {
    unicodePath = require.resolve(`${source.packageName}/unicode.json`);
    table = JSON.parse(readFileSync(unicodePath, "utf8")) as Record<string, string>;
  } catch (error) {
    throw new FontLoadError(
      `cannot read the Unicode ranges of ${source.packageName}; run \`pnpm install\` to restore the font package`,
      { cause: error },
    );
  }

  const index: LoadedSource["index"] = [];
  for (const [order, [name, ranges]] of Object.entries(table).entries()) {
    const subset: SubsetRanges = { subset: name.replace(/^\[|\]$/g, ""), order, ranges: parseUnicodeRange(ranges) };
    for (const [start, end] of subset.ranges) index.push({ start, end, subset });
  }
  index.sort((a, b) => a.start - b.start);

  const loaded: LoadedSource = { source, directory: path.join(path.dirname(unicodePath), "files"), index };
  loadedSources.set(source.packageName, loaded);
  return loaded;
}

/** Parses a CSS `unicode-range` value such as `U+0000-00FF,U+0131`. */
export function parseUnicodeRange(value: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const part of value.split(",")) {
    const match = /^\s*U\+([0-9a-f]+)(?:-([0-9a-f]+))?\s*$/i.exec(part);
    if (match === null) continue;
    const start = Number.parseInt(match[1]!, 16);
    const end = match[2] === undefined ? start : Number.parseInt(match[2], 16);
    ranges.push([start, end]);
  }
  return ranges;
}

/** Registers one subset file at one weight under its own alias, once per process. */
function registerSubset(
  source: LoadedSource,
  subset: SubsetRanges,
  weight: FontWeight,
): { alias: string; isNew: boolean } {
  const fileBase = path.basename(path.dirname(source.directory));
  const file = path.join(source.directory, `${fileBase}-${subset.subset}-${weight}-normal.woff2`);
  const known = registeredAliases.get(file);
  if (known !== undefined) return { alias: known, isNew: false };

  const alias = `${source.source.familyName} ${subset.subset} ${weight}`;
  const key = GlobalFonts.registerFromPath(file, alias, { weight });
  if (key === null) {
    throw new FontLoadError(
      `cannot register font file ${file} as ${JSON.stringify(alias)}; run \`pnpm install\` to restore ${source.source.packageName}`,
    );
  }
  registeredAliases.set(file, alias);
  return { alias, isNew: true };
}
