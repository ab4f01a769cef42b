import { Doc2VideoError } from "../errors.js";

/**
 * A media request that cannot be met (no scenes, odd frame size, mismatched
 * inputs) or an output whose streams do not match the request.
 */
export class MediaError extends Doc2VideoError {
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "MediaError";
  }
}
