import { Doc2VideoError } from "../../errors.js";

/** A chat model call that failed after the client's own retries: HTTP error, timeout or network failure. */
export class ModelCallError extends Doc2VideoError {
  constructor(
    readonly provider: string,
    readonly model: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ModelCallError";
  }
}
