/**
 * Loads a run's normalised document text from storage, once per process:
 * chapter nodes share it by key instead of carrying text in graph state.
 */
import type { DocumentInfo } from "../state.js";
import type { Services } from "../services.js";

const cache = new Map<string, Promise<string>>();

/** Returns the normalised text that chapter offsets point into. */
export function loadDocumentText(services: Services, document: DocumentInfo): Promise<string> {
  // The id is the text's hash: a run restarted with --force on an edited source keeps its key but not its text.
  const cacheKey = `${services.storage.url(document.textKey)}#${document.id}`;
  let text = cache.get(cacheKey);
  if (!text) {
    text = services.storage.get(document.textKey).then((buffer) => buffer.toString("utf8"));
    text.catch(() => cache.delete(cacheKey));
    cache.set(cacheKey, text);
  }
  return text;
}
