import { Doc2VideoError } from "../../errors.js";

/** An embeddings provider that failed or returned something other than vectors. */
export class EmbeddingsError extends Doc2VideoError {
  constructor(
    readonly modelId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "EmbeddingsError";
  }
}
