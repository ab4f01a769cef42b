/**
 * The schema of a chat model's response for one chapter: only the scenes. The writer
 * adds the chapter index, title, length estimate and writer name itself, so
 * the model cannot get them wrong.
 */
import { z } from "zod";
import { SceneSchema } from "./script-schema.js";

/** One scene as the model writes it: narration sentences are plain strings, because generated text has no source offsets. */
export const ModelSceneSchema = z.object({
  title: SceneSchema.shape.title.describe("Short scene title for the slide, at most 120 characters."),
  keyPoints: SceneSchema.shape.keyPoints.describe("Two to five bullet points for the slide, each at most 160 characters."),
  sentences: z.array(z.string().min(1)).min(1).describe("Narration sentences, in speaking order."),
  sourceChunkIds: z
    .array(z.string())
    .describe("Ids of the related passages this scene drew on; an empty list when it used only the chapter."),
});

/** The whole model response. */
export const ModelScriptSchema = z.object({
  scenes: z.array(ModelSceneSchema).min(1).describe("The chapter's scenes, in order."),
});

export type ModelScript = z.infer<typeof ModelScriptSchema>;

/** A JSON schema object, as sent to a provider. */
export type JsonSchema = Record<string, unknown>;

/**
 * Length and count bounds are left out of the schema sent to providers:
 * OpenAI's strict mode and Gemini's response schema each accept only a
 * subset of JSON Schema. The descriptions still state the bounds, and
 * `ModelScriptSchema` enforces them when the response is parsed.
 */
const KEYWORDS_SENT_TO_NO_PROVIDER = new Set(["$schema", "minLength", "maxLength", "minItems", "maxItems"]);

/** Returns a copy of a JSON schema without the given keywords, at every level. */
export function withoutSchemaKeywords(schema: unknown, keywords: ReadonlySet<string>): unknown {
  if (Array.isArray(schema)) return schema.map((item) => withoutSchemaKeywords(item, keywords));
  if (schema === null || typeof schema !== "object") return schema;
  const copy: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(schema)) {
    // "properties" maps field names to schemas, so its keys are never keywords.
    if (name === "properties" && value !== null && typeof value === "object") {
      copy[name] = Object.fromEntries(Object.entries(value).map(([field, item]) => [field, withoutSchemaKeywords(item, keywords)]));
      continue;
    }
    if (!keywords.has(name)) copy[name] = withoutSchemaKeywords(value, keywords);
  }
  return copy;
}

/** Returns the JSON schema of `ModelScriptSchema` as sent to providers. */
export function modelScriptJsonSchema(): JsonSchema {
  return withoutSchemaKeywords(z.toJSONSchema(ModelScriptSchema), KEYWORDS_SENT_TO_NO_PROVIDER) as JsonSchema;
}
