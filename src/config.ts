/**
 * Configuration: the only module that reads `process.env`.
 *
 * `loadConfig()` turns the environment (plus CLI overrides) into a typed
 * `AppConfig`. Values that change a run's output are copied into
 * `RunOptions` when the run starts, so a resumed run uses the options it
 * started with even if the environment changed in between.
 */
import path from "node:path";
import { z } from "zod";
import { ConfigError } from "./errors.js";

export const STORAGE_PROVIDERS = ["dummy", "local", "s3", "minio", "gcs"] as const;
export type StorageProviderName = (typeof STORAGE_PROVIDERS)[number];

export const EMBEDDINGS_PROVIDERS = ["local", "openai", "vertex"] as const;
export type EmbeddingsProviderName = (typeof EMBEDDINGS_PROVIDERS)[number];

export const VECTOR_STORES = ["local", "memory", "qdrant", "pinecone"] as const;
export type VectorStoreName = (typeof VECTOR_STORES)[number];

export const SCRIPT_WRITERS = ["offline", "openai", "vertex"] as const;
export type ScriptWriterName = (typeof SCRIPT_WRITERS)[number];

export const TTS_PROVIDERS = ["espeak"] as const;
export type TtsProviderName = (typeof TTS_PROVIDERS)[number];

/** Options that shape a run's output; frozen into graph state when the run starts. */
export const RunOptionsSchema = z.object({
  /** Narration length the script writer aims for, per chapter, in seconds. */
  targetNarrationSeconds: z.number().positive().default(90),
  /** Lower and upper bounds on narration length per chapter, in seconds. */
  minNarrationSeconds: z.number().positive().default(60),
  maxNarrationSeconds: z.number().positive().default(150),
  /** Speaking rate assumed when sizing scripts, in words per minute. */
  wordsPerMinute: z.number().positive().default(160),
  /** Chunk size for indexing, in characters, and overlap between chunks. */
  chunkSize: z.number().int().positive().default(1200),
  chunkOverlap: z.number().int().nonnegative().default(150),
  /** Related chunks from other chapters handed to the script writer. */
  retrievalK: z.number().int().nonnegative().default(4),
  /** espeak-ng voice name, for example `en-us` or `cmn`; `auto` picks from the document language. */
  voice: z.string().default("auto"),
  /** espeak-ng speaking rate in words per minute. */
  speechRate: z.number().int().positive().default(165),
  /** Output frame size and rate. */
  width: z.number().int().positive().default(1920),
  height: z.number().int().positive().default(1080),
  /** Still slides need few frames; above 60 the encode only gets slower. */
  fps: z.number().int().positive().max(60).default(5),
  /** Chapters processed at the same time. */
  concurrency: z.number().int().positive().default(2),
  scriptWriter: z.enum(SCRIPT_WRITERS).default("offline"),
  ttsProvider: z.enum(TTS_PROVIDERS).default("espeak"),
  embeddingsProvider: z.enum(EMBEDDINGS_PROVIDERS).default("local"),
  vectorStore: z.enum(VECTOR_STORES).default("local"),
});
export type RunOptions = z.infer<typeof RunOptionsSchema>;

/** S3 (or MinIO / any S3-compatible endpoint) settings. */
export interface S3Config {
  bucket: string;
  prefix: string;
  region: string;
  endpoint?: string;
  forcePathStyle: boolean;
  publicBaseUrl?: string;
}

/** Google Cloud Storage settings. */
export interface GcsConfig {
  bucket: string;
  prefix: string;
  projectId?: string;
  /** Overrides the JSON API endpoint, for emulators and tests. */
  apiEndpoint?: string;
  publicBaseUrl?: string;
}

/** Everything the process needs, resolved from the environment and CLI flags. */
export interface AppConfig {
  workspace: string;
  logLevel: "silent" | "fatal" | "error" | "warn" | "info" | "debug";
  storage: {
    provider: StorageProviderName;
    localRoot: string;
    s3: S3Config;
    gcs: GcsConfig;
  };
  embeddings: {
    openaiModel: string;
    openaiBaseUrl?: string;
    vertexModel: string;
  };
  vectorStore: {
    qdrantUrl: string;
    qdrantApiKey?: string;
    pineconeIndex: string;
    pineconeApiKey?: string;
    pineconeHost?: string;
  };
  llm: {
    openaiModel: string;
    openaiBaseUrl?: string;
    /** `OPENAI_API_KEY`; required by the openai script writer. */
    openaiApiKey?: string;
    vertexModel: string;
    /** Google Cloud project of Vertex AI calls (`VERTEX_PROJECT` or `GOOGLE_CLOUD_PROJECT`). */
    vertexProject?: string;
    /** Vertex AI region (`VERTEX_LOCATION`), for example `us-central1`. */
    vertexLocation?: string;
    /** `GOOGLE_API_KEY`: a Vertex AI express mode key, used instead of a project and credentials. */
    googleApiKey?: string;
    /** `GOOGLE_APPLICATION_CREDENTIALS`: a service account key file. */
    googleCredentialsFile?: string;
  };
  binaries: {
    ffmpeg?: string;
    ffprobe?: string;
    espeak?: string;
  };
  runDefaults: RunOptions;
  /** Failure injection for resume tests: `node` or `node:chapterIndex` (`DOC2VIDEO_INJECT_FAILURE`). */
  injectFailure?: string;
  /**
   * Crash injection for durability tests (`DOC2VIDEO_INJECT_CRASH`):
   * `checkpoint:N` kills the process group inside the N-th checkpoint write.
   */
  injectCrash?: string;
}

type Env = Record<string, string | undefined>;

function pick<T extends string>(
  env: Env,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = env[name]?.trim().toLowerCase();
  if (!value) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigError(
    `invalid ${name}=${JSON.stringify(env[name])}; expected one of: ${allowed.join(", ")}`,
  );
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function numberFrom(env: Env, name: string): number | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`invalid ${name}=${JSON.stringify(raw)}; expected a positive number`);
  }
  return value;
}

function booleanFrom(env: Env, name: string, fallback: boolean): boolean {
  const raw = optional(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (["1", "true", "yes", "on"].includes(raw)) return true;
  if (["0", "false", "no", "off"].includes(raw)) return false;
  throw new ConfigError(`invalid ${name}=${JSON.stringify(raw)}; expected true or false`);
}

/** Flags from the CLI that override the environment. */
export interface ConfigOverrides {
  workspace?: string;
  logLevel?: AppConfig["logLevel"];
  /** Level used when neither `logLevel` nor `LOG_LEVEL` is set (default `warn`). */
  defaultLogLevel?: AppConfig["logLevel"];
  run?: Partial<RunOptions>;
}

/** Builds the configuration from `env` (default `process.env`) and CLI overrides. */
export function loadConfig(overrides: ConfigOverrides = {}, env: Env = process.env): AppConfig {
  const workspace = path.resolve(overrides.workspace ?? optional(env, "DOC2VIDEO_WORKSPACE") ?? "workspace");

  const runInput: Record<string, unknown> = {
    targetNarrationSeconds: numberFrom(env, "DOC2VIDEO_TARGET_SECONDS"),
    minNarrationSeconds: numberFrom(env, "DOC2VIDEO_MIN_SECONDS"),
    maxNarrationSeconds: numberFrom(env, "DOC2VIDEO_MAX_SECONDS"),
    voice: optional(env, "DOC2VIDEO_VOICE"),
    speechRate: numberFrom(env, "DOC2VIDEO_SPEECH_RATE"),
    fps: numberFrom(env, "DOC2VIDEO_FPS"),
    concurrency: numberFrom(env, "DOC2VIDEO_CONCURRENCY"),
    retrievalK: optional(env, "DOC2VIDEO_RETRIEVAL_K") === undefined ? undefined : Number(env.DOC2VIDEO_RETRIEVAL_K),
    scriptWriter: pick(env, "SCRIPT_WRITER", SCRIPT_WRITERS, "offline"),
    ttsProvider: pick(env, "TTS_PROVIDER", TTS_PROVIDERS, "espeak"),
    embeddingsProvider: pick(env, "EMBEDDINGS_PROVIDER", EMBEDDINGS_PROVIDERS, "local"),
    vectorStore: pick(env, "VECTOR_STORE", VECTOR_STORES, "local"),
    ...overrides.run,
  };
  for (const key of Object.keys(runInput)) {
    if (runInput[key] === undefined) delete runInput[key];
  }
  const parsed = RunOptionsSchema.safeParse(runInput);
  if (!parsed.success) {
    throw new ConfigError(`invalid run options: ${z.prettifyError(parsed.error)}`);
  }
  const runDefaults = parsed.data;
  if (runDefaults.minNarrationSeconds > runDefaults.maxNarrationSeconds) {
    throw new ConfigError(
      `minimum narration (${runDefaults.minNarrationSeconds} s) exceeds maximum (${runDefaults.maxNarrationSeconds} s); fix --min-seconds or --max-seconds (DOC2VIDEO_MIN_SECONDS or DOC2VIDEO_MAX_SECONDS)`,
    );
  }
  if (runDefaults.width % 2 !== 0 || runDefaults.height % 2 !== 0) {
    throw new ConfigError(`frame size ${runDefaults.width}x${runDefaults.height} must have even dimensions for H.264 yuv420p`);
  }

  return {
    workspace,
    logLevel:
      overrides.logLevel ??
      pick(env, "LOG_LEVEL", ["silent", "fatal", "error", "warn", "info", "debug"] as const, overrides.defaultLogLevel ?? "warn"),
    storage: {
      provider: pick(env, "STORAGE_PROVIDER", STORAGE_PROVIDERS, "dummy"),
      localRoot: path.resolve(optional(env, "STORAGE_LOCAL_ROOT") ?? path.join(workspace, "storage")),
      s3: {
        bucket: optional(env, "S3_BUCKET") ?? "",
        prefix: optional(env, "S3_PREFIX") ?? "",
        region: optional(env, "S3_REGION") ?? optional(env, "AWS_REGION") ?? "us-east-1",
        endpoint: optional(env, "S3_ENDPOINT"),
        forcePathStyle: booleanFrom(env, "S3_FORCE_PATH_STYLE", optional(env, "S3_ENDPOINT") !== undefined),
        publicBaseUrl: optional(env, "S3_PUBLIC_BASE_URL"),
      },
      gcs: {
        bucket: optional(env, "GCS_BUCKET") ?? "",
        prefix: optional(env, "GCS_PREFIX") ?? "",
        projectId: optional(env, "GCS_PROJECT_ID") ?? optional(env, "GOOGLE_CLOUD_PROJECT"),
        apiEndpoint: optional(env, "GCS_API_ENDPOINT"),
        publicBaseUrl: optional(env, "GCS_PUBLIC_BASE_URL"),
      },
    },
    embeddings: {
      openaiModel: optional(env, "OPENAI_EMBEDDINGS_MODEL") ?? "text-embedding-3-small",
      openaiBaseUrl: optional(env, "OPENAI_BASE_URL"),
      vertexModel: optional(env, "VERTEX_EMBEDDINGS_MODEL") ?? "text-embedding-005",
    },
    vectorStore: {
      qdrantUrl: optional(env, "QDRANT_URL") ?? "http://127.0.0.1:6333",
      qdrantApiKey: optional(env, "QDRANT_API_KEY"),
      pineconeIndex: optional(env, "PINECONE_INDEX") ?? "doc2video",
      pineconeApiKey: optional(env, "PINECONE_API_KEY"),
      pineconeHost: optional(env, "PINECONE_HOST"),
    },
    llm: {
      openaiModel: optional(env, "OPENAI_MODEL") ?? "gpt-4o-mini",
      openaiBaseUrl: optional(env, "OPENAI_BASE_URL"),
      openaiApiKey: optional(env, "OPENAI_API_KEY"),
      vertexModel: optional(env, "VERTEX_MODEL") ?? "gemini-2.0-flash",
      vertexProject: optional(env, "VERTEX_PROJECT") ?? optional(env, "GOOGLE_CLOUD_PROJECT"),
      vertexLocation: optional(env, "VERTEX_LOCATION"),
      googleApiKey: optional(env, "GOOGLE_API_KEY"),
      googleCredentialsFile: optional(env, "GOOGLE_APPLICATION_CREDENTIALS"),
    },
    binaries: {
      ffmpeg: optional(env, "FFMPEG_PATH"),
      ffprobe: optional(env, "FFPROBE_PATH"),
      espeak: optional(env, "ESPEAK_PATH"),
    },
    runDefaults,
    injectFailure: optional(env, "DOC2VIDEO_INJECT_FAILURE"),
    injectCrash: optional(env, "DOC2VIDEO_INJECT_CRASH"),
  };
}

/**
 * Returns the folder the user ran the command from. pnpm runs package
 * scripts from the package root and records the caller's folder in
 * `INIT_CWD`, so relative paths given to `pnpm agent` resolve against it.
 */
export function invocationDirectory(env: Env = process.env): string {
  return optional(env, "INIT_CWD") ?? process.cwd();
}
