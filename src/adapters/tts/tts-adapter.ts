/** The text-to-speech interface; one backend per file in this folder. */

/** One sentence of narration and where it falls in the produced audio. */
export interface SentenceTiming {
  text: string;
  /** Offsets into the produced WAV, in seconds. */
  startSeconds: number;
  endSeconds: number;
}

/** A request to speak some sentences into one WAV file. */
export interface SpeechRequest {
  /** Sentences spoken in order, with a short pause between them. */
  sentences: string[];
  /** Voice name of the backend, for example an espeak-ng voice such as `en-us`. */
  voice: string;
  /** Speaking rate in words per minute. */
  wordsPerMinute: number;
  /** WAV file to write (PCM 16-bit mono). */
  outputPath: string;
  signal?: AbortSignal;
}

/** Result of one synthesis: the WAV file, its length and sentence timings. */
export interface SpeechResult {
  outputPath: string;
  durationSeconds: number;
  sampleRate: number;
  sentences: SentenceTiming[];
}

/** A speech backend. */
export interface TtsAdapter {
  /** Provider name, recorded in the call archive and used in cache keys. */
  readonly provider: string;
  /** Speaks `request.sentences` into `request.outputPath`. */
  synthesize(request: SpeechRequest): Promise<SpeechResult>;
  /** Picks a voice for a BCP 47 language such as `en` or `zh`. */
  voiceFor(language: string): string;
  /** Returns false for a voice name the backend does not have. */
  hasVoice(voice: string): boolean;
}
