import { Doc2VideoError } from "../../errors.js";

/** A speech request that cannot be spoken: no sentences, a blank sentence, or text that produced no audio. */
export class SpeechSynthesisError extends Doc2VideoError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SpeechSynthesisError";
  }
}
