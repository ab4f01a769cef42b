/**
 * Offline text-to-speech with espeak-ng, always run as a child process
 * because espeak-ng is GPL-3.0.
 *
 * A system `espeak-ng` is used when configured or found on PATH; otherwise
 * the npm `espeak-ng` WebAssembly build runs in long-lived Node.js children
 * (espeak-wasm-worker.ts). Each request's sentences are spoken in one
 * espeak-ng run and cut back into one clip per sentence (see
 * sentence-batch.ts), so sentence timings come from real sample counts
 * without paying a process start per sentence.
 */
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { SubprocessError } from "../../errors.js";
import { getLogger } from "../../logger.js";
import { encodeWav, fromInt16Samples, int16Samples, parseWav, secondsToFrames } from "../../media/wav.js";
import {
  describeEngine,
  runChild,
  speakWithBinary,
  WASM_RUNNER_PATH,
  type ChildLimits,
  type EspeakEngine,
} from "./espeak-process.js";
import { espeakVoiceFor, isEspeakVoice } from "./espeak-voices.js";
import { EspeakWasmWorker } from "./espeak-wasm-worker.js";
import { buildMarkedDocument, groupSentences, splitAtMarkers, trimSilence } from "./sentence-batch.js";
import { SpeechSynthesisError } from "./speech-synthesis-error.js";
import { TaskLimiter } from "./task-limiter.js";
import type { SentenceTiming, SpeechRequest, SpeechResult, TtsAdapter } from "./tts-adapter.js";

const log = getLogger("tts-espeak");

/** Settings of `EspeakTtsAdapter`; all optional. */
export interface EspeakTtsOptions {
  /** System espeak-ng binary (`config.binaries.espeak`); when set it is always used. */
  binaryPath?: string;
  /**
   * Engine choice. `auto` (default) uses `binaryPath`, else `espeak-ng` from
   * PATH, else the WebAssembly build. `system` and `wasm` force one.
   */
  engine?: "auto" | "system" | "wasm";
  /**
   * Time limit in milliseconds (default 120000) for each espeak-ng call: one
   * request on a WebAssembly child, or one run of the system binary.
   */
  timeoutMs?: number;
  /** Requests spoken at once by this adapter, and so the most espeak-ng children alive at once (default 2). */
  concurrency?: number;
  /** How long an idle WebAssembly child is kept for the next request, in milliseconds (default 30000). */
  idleTimeoutMs?: number;
  /** Silence between consecutive sentences in the output, in seconds (default 0.35). */
  sentencePauseSeconds?: number;
  /** Characters of text per espeak-ng run; longer requests are split into several runs (default 20000). */
  maxCharsPerRun?: number;
  /** Node.js binary that runs the WebAssembly build (default: the current one). */
  nodePath?: string;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_CONCURRENCY = 2;
const DEFAULT_SENTENCE_PAUSE_SECONDS = 0.35;
const DEFAULT_MAX_CHARS_PER_RUN = 20_000;
const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
const PROBE_TIMEOUT_MS = 10_000;
/**
 * Speaking rates that both engines honour. espeak-ng raises slower rates to
 * 80 wpm. The WebAssembly build (compiled without sonic) caps at 450 wpm
 * while Debian's 1.51 goes faster, so capping here keeps the engines alike.
 */
const MIN_WORDS_PER_MINUTE = 80;
const MAX_WORDS_PER_MINUTE = 450;

/** Shortens a sentence for error messages. */
function preview(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

/** Speaks sentences with espeak-ng into one 16-bit mono WAV with exact per-sentence timings. */
export class EspeakTtsAdapter implements TtsAdapter {
  readonly provider = "espeak";

  private readonly options: Required<Omit<EspeakTtsOptions, "binaryPath">> & { binaryPath?: string };
  private readonly limiter: TaskLimiter;
  private enginePromise: Promise<EspeakEngine> | undefined;
  /** WebAssembly children waiting for a request, most recently used last. */
  private readonly idleWorkers: EspeakWasmWorker[] = [];
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(options: EspeakTtsOptions = {}) {
    this.options = {
      binaryPath: options.binaryPath,
      engine: options.engine ?? "auto",
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
      sentencePauseSeconds: options.sentencePauseSeconds ?? DEFAULT_SENTENCE_PAUSE_SECONDS,
      maxCharsPerRun: options.maxCharsPerRun ?? DEFAULT_MAX_CHARS_PER_RUN,
      nodePath: options.nodePath ?? process.execPath,
      idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    };
    if (!(this.options.timeoutMs > 0)) {
      throw new RangeError(`invalid timeoutMs ${this.options.timeoutMs}; expected a positive number of milliseconds`);
    }
    if (!(this.options.sentencePauseSeconds >= 0)) {
      throw new RangeError(`invalid sentencePauseSeconds ${this.options.sentencePauseSeconds}; expected a number >= 0`);
    }
    this.limiter = new TaskLimiter(this.options.concurrency);
  }

  /** Picks the espeak-ng voice for a BCP 47 language tag; unknown languages get `en-us`. */
  voiceFor(language: string): string {
    return espeakVoiceFor(language);
  }

  hasVoice(voice: string): boolean {
    return isEspeakVoice(voice);
  }

  /** Returns the engine this adapter runs, probing PATH once on first use. */
  engine(): Promise<EspeakEngine> {
    this.enginePromise ??= this.resolveEngine();
    return this.enginePromise;
  }

  /**
   * Speaks `request.sentences` into `request.outputPath` and returns where
   * each sentence falls. Rates outside 80–450 wpm are clamped to that range.
   */
  async synthesize(request: SpeechRequest): Promise<SpeechResult> {
    validateRequest(request);
    const engine = await this.engine();
    const limits: ChildLimits = { timeoutMs: this.options.timeoutMs, signal: request.signal };
    const rate = Math.min(MAX_WORDS_PER_MINUTE, Math.max(MIN_WORDS_PER_MINUTE, Math.round(request.wordsPerMinute)));
    const espeakOptions = ["-m", "-v", request.voice, "-s", String(rate)];

    const started = performance.now();
    const { clips, sampleRate } = await this.limiter.run(async () => {
      request.signal?.throwIfAborted();
      return this.speakClips(engine, espeakOptions, request, limits);
    });

    const gapFrames = secondsToFrames(this.options.sentencePauseSeconds, sampleRate);
    const { samples, timings } = joinClips(clips, request.sentences, gapFrames, sampleRate);
    await writeFileAtomically(request.outputPath, encodeWav(fromInt16Samples(samples, { sampleRate, channels: 1 })));

    const durationSeconds = samples.length / sampleRate;
    log.debug(
      { engine: engine.kind, sentences: clips.length, durationSeconds, elapsedMs: Math.round(performance.now() - started) },
      "synthesized speech",
    );
    return { outputPath: request.outputPath, durationSeconds, sampleRate, sentences: timings };
  }

  /** Stops the idle WebAssembly children now instead of after the idle timeout. */
  close(): void {
    clearTimeout(this.idleTimer);
    for (const worker of this.idleWorkers.splice(0)) worker.close();
  }

  private async resolveEngine(): Promise<EspeakEngine> {
    const { binaryPath, engine, nodePath } = this.options;
    const wasm: EspeakEngine = { kind: "wasm", nodePath, runnerPath: WASM_RUNNER_PATH };
    if (engine === "wasm") return wasm;
    if (binaryPath) return { kind: "system", binaryPath };
    if (engine === "system") return { kind: "system", binaryPath: "espeak-ng" };

    try {
      await runChild("espeak-ng", ["--version"], "", { timeoutMs: PROBE_TIMEOUT_MS });
      log.debug("using espeak-ng from PATH");
      return { kind: "system", binaryPath: "espeak-ng" };
    } catch (error) {
      log.debug({ err: error }, "no usable espeak-ng on PATH; using the WebAssembly build");
      return wasm;
    }
  }

  /** Speaks every sentence and returns one trimmed clip per sentence, in order. */
  private async speakClips(
    engine: EspeakEngine,
    espeakOptions: string[],
    request: SpeechRequest,
    limits: ChildLimits,
  ): Promise<{ clips: Int16Array[]; sampleRate: number }> {
    const { sentences } = request;
    const groups = groupSentences(sentences, this.options.maxCharsPerRun);
    const documents = groups.map((group) => buildMarkedDocument(group.map((index) => sentences[index] as string)));
    const wavs = await this.speak(engine, espeakOptions, documents, limits, request.voice);

    const clips: Array<Int16Array | undefined> = new Array(sentences.length);
    const unsplit: number[] = [];
    let sampleRate = 0;
    groups.forEach((group, groupIndex) => {
      const audio = decodeSpeech(wavs[groupIndex] as Buffer, engine);
      sampleRate = audio.sampleRate;
      const parts = splitAtMarkers(audio.samples, audio.sampleRate, group.length);
      if (parts) group.forEach((sentenceIndex, part) => (clips[sentenceIndex] = parts[part]));
      else unsplit.push(...group);
    });

    if (unsplit.length > 0) {
      log.debug({ sentences: unsplit.length }, "marker split failed; speaking those sentences one by one");
      const singles = unsplit.map((index) => buildMarkedDocument([sentences[index] as string]));
      const singleWavs = await this.speak(engine, espeakOptions, singles, limits, request.voice);
      unsplit.forEach((sentenceIndex, i) => {
        const clip = trimSilence(decodeSpeech(singleWavs[i] as Buffer, engine).samples);
        if (clip.length === 0) {
          throw new SpeechSynthesisError(
            `sentence ${sentenceIndex + 1} of ${sentences.length} (${preview(sentences[sentenceIndex] as string)}) ` +
              `produced no audio with espeak-ng voice "${request.voice}"; remove it or spell it out as words`,
          );
        }
        clips[sentenceIndex] = clip;
      });
    }
    return { clips: clips as Int16Array[], sampleRate };
  }

  /** Runs espeak-ng and rewrites an unknown-voice failure into a message that names the voice. */
  private async speak(
    engine: EspeakEngine,
    espeakOptions: string[],
    documents: string[],
    limits: ChildLimits,
    voice: string,
  ): Promise<Buffer[]> {
    try {
      if (engine.kind === "system") return await speakWithBinary(engine.binaryPath, espeakOptions, documents, limits);
      return await this.speakWithWorker(engine, espeakOptions, documents, limits);
    } catch (error) {
      if (error instanceof SubprocessError && /voice does not exist/i.test(error.stderrTail)) {
        throw new SubprocessError(
          error.command,
          error.args,
          error.exitCode,
          error.stderrTail,
          `${describeEngine(engine)} has no voice ${JSON.stringify(voice)}; ` +
            `use a name from "espeak-ng --voices" (for example en-us, cmn, fr-fr) or voiceFor(language)`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** Speaks on an idle WebAssembly child, or a new one, and keeps it for the next request while it lives. */
  private async speakWithWorker(
    engine: Extract<EspeakEngine, { kind: "wasm" }>,
    espeakOptions: string[],
    documents: string[],
    limits: ChildLimits,
  ): Promise<Buffer[]> {
    const worker = this.idleWorkers.pop() ?? new EspeakWasmWorker(engine.nodePath, engine.runnerPath);
    try {
      return await worker.speak(espeakOptions, documents, limits);
    } finally {
      // A worker killed by a timeout or abort is dead; one that reported an espeak-ng error is still usable.
      if (worker.alive) this.keepIdle(worker);
    }
  }

  private keepIdle(worker: EspeakWasmWorker): void {
    this.idleWorkers.push(worker);
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.close(), this.options.idleTimeoutMs);
    this.idleTimer.unref();
  }
}

function validateRequest(request: SpeechRequest): void {
  if (request.sentences.length === 0) {
    throw new SpeechSynthesisError(`no sentences to speak for ${request.outputPath}; pass at least one sentence`);
  }
  request.sentences.forEach((sentence, index) => {
    if (sentence.trim() === "") {
      throw new SpeechSynthesisError(
        `sentence ${index + 1} of ${request.sentences.length} for ${request.outputPath} is blank; drop blank sentences before synthesis`,
      );
    }
  });
  if (request.voice.trim() === "") {
    throw new SpeechSynthesisError(`no voice given for ${request.outputPath}; pass an espeak-ng voice such as en-us`);
  }
  if (!Number.isFinite(request.wordsPerMinute) || request.wordsPerMinute <= 0) {
    throw new SpeechSynthesisError(`invalid speaking rate ${request.wordsPerMinute} wpm; expected a positive number`);
  }
}

/** Parses espeak-ng output, which is always 16-bit mono; sizes in its header may be placeholders. */
function decodeSpeech(wav: Buffer, engine: EspeakEngine): { samples: Int16Array; sampleRate: number } {
  const audio = parseWav(wav, `${describeEngine(engine)} output`);
  if (audio.channels !== 1 || audio.bitsPerSample !== 16) {
    throw new SpeechSynthesisError(
      `${describeEngine(engine)} produced ${audio.channels}-channel ${audio.bitsPerSample}-bit audio; expected 16-bit mono`,
    );
  }
  return { samples: int16Samples(audio), sampleRate: audio.sampleRate };
}

/** Joins clips with `gapFrames` of silence between them and returns each sentence's span. */
function joinClips(
  clips: readonly Int16Array[],
  sentences: readonly string[],
  gapFrames: number,
  sampleRate: number,
): { samples: Int16Array; timings: SentenceTiming[] } {
  const totalFrames = clips.reduce((sum, clip) => sum + clip.length, 0) + gapFrames * (clips.length - 1);
  const samples = new Int16Array(totalFrames);
  const timings: SentenceTiming[] = [];
  let offset = 0;
  clips.forEach((clip, index) => {
    if (index > 0) offset += gapFrames;
    samples.set(clip, offset);
    timings.push({
      text: sentences[index] as string,
      startSeconds: offset / sampleRate,
      endSeconds: (offset + clip.length) / sampleRate,
    });
    offset += clip.length;
  });
  return { samples, timings };
}

/** Writes through a temporary file and a rename, so a killed run never leaves half a WAV at `target`. */
async function writeFileAtomically(target: string, bytes: Buffer): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
