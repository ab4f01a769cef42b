/**
 * On-screen text of a scene: a short title and 2–5 key points, both taken
 * from the scene's own sentences so the slide matches the narration.
 */
import { containsUnspacedScript, type Term } from "./text-terms.js";

/** Maximum title length, in characters, before it is cut at a word boundary. */
export const MAX_TITLE_CHARS = 60;
/** Maximum key point length, in characters. */
export const MAX_KEY_POINT_CHARS = 80;
export const MIN_KEY_POINTS = 2;
export const MAX_KEY_POINTS = 5;

/** A narration sentence of the scene, with its summary score and index terms. */
export interface LabelSentence {
  cleaned: string;
  score: number;
  terms: readonly Term[];
}

/** Weight of a term in the whole chapter; rarer terms weigh more. */
export type TermWeight = (term: string) => number;

/** Cuts `text` to at most `max` characters, at a word boundary when there is one, ending in "…". */
export function truncate(text: string, max: number): string {
  const characters = [...text];
  if (characters.length <= max) return text;
  const cut = characters.slice(0, max - 1).join("");
  const space = cut.lastIndexOf(" ");
  const shortened = space > max / 2 ? cut.slice(0, space) : cut;
  return `${shortened.replace(/[\s,;:.\-—–，、；：]+$/u, "")}…`;
}

/** Orders strings by UTF-16 code units, which unlike `localeCompare` does not depend on the host's ICU locale. */
export function compareCodeUnits(left: string, right: string): number {
  if (left < right) return -1;
  if (left > right) return 1;
  return 0;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Returns the scene's most salient terms, each in its most frequent written
 * form. A term scores its weight once per sentence that contains it, so a
 * word repeated in one sentence ("Come, come") does not outrank a shared topic.
 */
export function keyTerms(sentences: readonly LabelSentence[], weight: TermWeight, limit: number): string[] {
  const totals = new Map<string, number>();
  const surfaces = new Map<string, Map<string, number>>();
  for (const sentence of sentences) {
    const seen = new Set<string>();
    for (const { term, surface } of sentence.terms) {
      if (!seen.has(term)) totals.set(term, (totals.get(term) ?? 0) + weight(term));
      seen.add(term);
      const forms = surfaces.get(term) ?? new Map<string, number>();
      forms.set(surface, (forms.get(surface) ?? 0) + 1);
      surfaces.set(term, forms);
    }
  }
  const ranked = [...totals].sort(([leftTerm, left], [rightTerm, right]) => right - left || compareCodeUnits(leftTerm, rightTerm));
  return ranked.slice(0, limit).map(([term]) => {
    const forms = [...surfaces.get(term)!].sort(([leftForm, left], [rightForm, right]) => right - left || compareCodeUnits(leftForm, rightForm));
    return forms[0]![0];
  });
}

function joinTerms(terms: readonly string[]): string {
  if (terms.length <= 1) return terms.join("");
  return `${terms.slice(0, -1).join(", ")} and ${terms.at(-1)}`;
}

const LEADING_CONNECTIVE =
  /^(?:and|but|or|so|then|yet|for|which|who|whom|that|while|as|because|although|though|when|where|if|since|said|says)\b\s*/i;
const CLAUSE_BOUNDARY = /\s*(?:[,;:—–()"“”]|\s-\s|…|\.\.\.|[!?](?=\s|$))\s*|[，；：。！？（）「」『』“”]/u;

/** Splits a cleaned sentence into clauses that can stand as on-screen phrases. */
export function clausesOf(cleaned: string): string[] {
  const body = cleaned.replace(/[.!?。！？…"'”’」』)\s]+$/u, "");
  const clauses: string[] = [];
  for (const part of body.split(CLAUSE_BOUNDARY)) {
    let clause = part.trim().replace(/^["'‘’“”]+|["'‘’“”]+$/gu, "").trim();
    while (LEADING_CONNECTIVE.test(clause)) clause = clause.replace(LEADING_CONNECTIVE, "");
    const unspaced = containsUnspacedScript(clause);
    const size = unspaced ? [...clause].length : clause.split(/\s+/).filter(Boolean).length;
    if (size >= (unspaced ? 4 : 3)) clauses.push(clause);
  }
  return clauses;
}

function clauseSalience(clause: string, terms: readonly Term[], weight: TermWeight): number {
  const clauseLower = clause.toLowerCase();
  const present = new Set(terms.filter(({ surface }) => clauseLower.includes(surface.toLowerCase())).map(({ term }) => term));
  let total = 0;
  for (const term of present) total += weight(term);
  const size = containsUnspacedScript(clause) ? [...clause].length / 2 : clause.split(/\s+/).length;
  // Long clauses get cut on screen, so a shorter clause with the same content wins.
  return (total / Math.sqrt(size)) * (size > 14 ? 0.7 : 1);
}

/** Builds a comparison key so "The stick" and "the stick." count as the same point. */
function dedupeKey(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
}

function isDuplicate(key: string, taken: readonly string[]): boolean {
  return key.length === 0 || taken.some((other) => other === key || other.includes(key) || key.includes(other));
}

/**
 * Picks 2–5 key points: the most salient clause of each top-scored sentence,
 * then second-best clauses, in source order. A clause that repeats `title` is
 * skipped. When the sentences yield fewer than two distinct phrases, entries
 * of `fallbacks` fill the gap in order.
 */
export function sceneKeyPoints(
  sentences: readonly LabelSentence[],
  weight: TermWeight,
  options: { title: string; fallbacks: readonly string[] },
): string[] {
  const targetCount = Math.min(MAX_KEY_POINTS - 1, Math.max(MIN_KEY_POINTS, sentences.length));
  const byScore = sentences
    .map((sentence, position) => ({ sentence, position }))
    .sort((left, right) => right.sentence.score - left.sentence.score || left.position - right.position);
  const clauseLists = byScore.map(({ sentence, position }) => ({
    position,
    clauses: clausesOf(sentence.cleaned)
      .map((text, order) => ({ text, order, salience: clauseSalience(text, sentence.terms, weight) }))
      .sort((left, right) => right.salience - left.salience || left.order - right.order),
  }));

  const picked: { text: string; position: number; order: number }[] = [];
  const keys: string[] = [];
  const titleKey = dedupeKey(options.title);
  const deepest = Math.max(0, ...clauseLists.map(({ clauses }) => clauses.length));
  for (let round = 0; round < deepest && picked.length < targetCount; round++) {
    for (const { position, clauses } of clauseLists) {
      if (picked.length >= targetCount) break;
      const clause = clauses[round];
      if (!clause) continue;
      const text = truncate(capitalise(clause.text), MAX_KEY_POINT_CHARS);
      const key = dedupeKey(text);
      if (isDuplicate(key, keys) || isDuplicate(key, [titleKey])) continue;
      picked.push({ text, position, order: clause.order });
      keys.push(key);
    }
  }
  picked.sort((left, right) => left.position - right.position || left.order - right.order);
  const points = picked.map(({ text }) => text);

  for (const fallback of options.fallbacks) {
    if (points.length >= MIN_KEY_POINTS) break;
    const text = truncate(fallback.trim(), MAX_KEY_POINT_CHARS);
    const key = dedupeKey(text);
    if (isDuplicate(key, keys)) continue;
    points.push(text);
    keys.push(key);
  }
  return points;
}

/** Picks the scene's most salient clause of 3 to 8 words (4 to 16 characters for Chinese and Japanese). */
function headlineClause(sentences: readonly LabelSentence[], weight: TermWeight): string | undefined {
  let best: { text: string; salience: number } | undefined;
  for (const sentence of sentences) {
    for (const clause of clausesOf(sentence.cleaned)) {
      const size = containsUnspacedScript(clause) ? [...clause].length / 2 : clause.split(/\s+/).length;
      if (size < 2 || size > 8) continue;
      const salience = clauseSalience(clause, sentence.terms, weight);
      if (!best || salience > best.salience) best = { text: clause, salience };
    }
  }
  return best && capitalise(best.text);
}

/**
 * Titles a scene: the chapter title for the first scene, a heading inside the
 * scene when there is one, otherwise its most salient short clause, or its key
 * terms ("Mortimer, stick and hospital") when no clause is short enough.
 */
export function sceneTitle(options: {
  sentences: readonly LabelSentence[];
  weight: TermWeight;
  chapterTitle: string;
  isFirstScene: boolean;
  heading?: string;
  usedTerms: Set<string>;
}): string {
  const { sentences, weight, chapterTitle, isFirstScene, heading, usedTerms } = options;
  if (isFirstScene) return truncate(chapterTitle.trim(), MAX_TITLE_CHARS);
  if (heading) return truncate(heading, MAX_TITLE_CHARS);

  const headline = headlineClause(sentences, weight);
  if (headline) return truncate(headline, MAX_TITLE_CHARS);

  const fresh = keyTerms(sentences, weight, 12).filter((term) => !usedTerms.has(term.toLowerCase()));
  const chosen = fresh.slice(0, 3);
  if (chosen.length > 0) {
    for (const term of chosen) usedTerms.add(term.toLowerCase());
    return truncate(capitalise(joinTerms(chosen)), MAX_TITLE_CHARS);
  }
  return truncate(sentences[0]?.cleaned || chapterTitle.trim(), MAX_TITLE_CHARS);
}
