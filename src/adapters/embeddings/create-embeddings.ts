/**
 * Embeddings factory over `EMBEDDINGS_PROVIDER`. Every backend is a LangChain
 * `Embeddings`, so other LangChain code can reuse it. The vector length is
 * learnt from the provider at run time rather than written down here.
 */
import type { Embeddings } from "@langchain/core/embeddings";
import { OpenAIEmbeddings } from "@langchain/openai";
import { VertexAIEmbeddings } from "@langchain/google-vertexai";
import type { AppConfig, EmbeddingsProviderName } from "../../config.js";
import { ConfigError } from "../../errors.js";
import { EmbeddingsError } from "./embeddings-error.js";
import { HashingEmbeddings } from "./hashing-embeddings.js";

/** An embeddings backend with the name of the model behind it. */
export interface EmbeddingsBackend {
  provider: EmbeddingsProviderName;
  embeddings: Embeddings;
  /** Model identifier, for example `hashing-v1` or `openai-text-embedding-3-small`. */
  modelId: string;
}

/** Builds the embeddings backend named by `provider` from configuration. */
export function createEmbeddings(provider: EmbeddingsProviderName, config: AppConfig): EmbeddingsBackend {
  switch (provider) {
    case "local": {
      const embeddings = new HashingEmbeddings();
      return { provider, embeddings, modelId: embeddings.modelId };
    }
    case "openai":
      return { provider, embeddings: createOpenAIEmbeddings(config), modelId: `openai-${config.embeddings.openaiModel}` };
    case "vertex":
      return { provider, embeddings: createVertexEmbeddings(config), modelId: `vertex-${config.embeddings.vertexModel}` };
    default:
      throw new ConfigError(
        `unknown embeddings provider ${JSON.stringify(provider satisfies never)}; expected local, openai or vertex`,
      );
  }
}

function createOpenAIEmbeddings(config: AppConfig): Embeddings {
  try {
    // The API key is read from OPENAI_API_KEY by the OpenAI client itself.
    return new OpenAIEmbeddings({
      model: config.embeddings.openaiModel,
      configuration: config.embeddings.openaiBaseUrl ? { baseURL: config.embeddings.openaiBaseUrl } : undefined,
      maxRetries: 2,
    });
  } catch (error) {
    throw new ConfigError(
      `cannot create OpenAI embeddings for model ${config.embeddings.openaiModel}: ${(error as Error).message}; ` +
        "set OPENAI_API_KEY (and OPENAI_BASE_URL for an OpenAI-compatible server) or use EMBEDDINGS_PROVIDER=local",
      { cause: error },
    );
  }
}

function createVertexEmbeddings(config: AppConfig): Embeddings {
  try {
    // Credentials come from GOOGLE_API_KEY or Application Default Credentials, read by the Google client.
    // NOTE: the client builds https:// URLs from Google's host names, so no
    // Vertex-compatible server on another base URL can be configured.
    return new VertexAIEmbeddings({ model: config.embeddings.vertexModel, maxRetries: 2 });
  } catch (error) {
    throw new ConfigError(
      `cannot create Vertex AI embeddings for model ${config.embeddings.vertexModel}: ${(error as Error).message}; ` +
        "set GOOGLE_API_KEY or Application Default Credentials, or use EMBEDDINGS_PROVIDER=local",
      { cause: error },
    );
  }
}

/**
 * Returns the vector length of `backend`: from the class when it is known
 * offline, otherwise by embedding one probe text.
 */
export async function resolveEmbeddingDimension(backend: EmbeddingsBackend): Promise<number> {
  if (backend.embeddings instanceof HashingEmbeddings) return backend.embeddings.dimension;

  let vector: number[];
  try {
    vector = await backend.embeddings.embedQuery("dimension probe");
  } catch (error) {
    throw new EmbeddingsError(
      backend.modelId,
      `embedding a probe text with ${backend.modelId} failed: ${(error as Error).message.replace(/\.$/, "")}; check the provider URL, credentials and model name`,
      { cause: error },
    );
  }
  if (!Array.isArray(vector) || vector.length === 0) {
    throw new EmbeddingsError(backend.modelId, `${backend.modelId} returned an empty vector for a probe text; check the model name`);
  }
  return vector.length;
}
