import { Doc2VideoError } from "../../errors.js";

/** A slide that could not be drawn or written: invalid spec, failed encode or failed write. */
export class SlideRenderError extends Doc2VideoError {
  /** The PNG path being written, when the failure concerns one. */
  readonly outputPath: string | undefined;

  constructor(message: string, options?: { outputPath?: string; cause?: unknown }) {
    super(message, options);
    this.name = "SlideRenderError";
    this.outputPath = options?.outputPath;
  }
}
