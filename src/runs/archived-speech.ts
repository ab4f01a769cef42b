/** A `TtsAdapter` that makes each synthesis through the call archive and records it in the call ledger. */
import { copyFile, mkdir } from "node:fs/promises";
import path from "node:path";
import type { SpeechRequest, SpeechResult, TtsAdapter } from "../adapters/tts/tts-adapter.js";
import { callThroughArchive } from "./archived-call.js";
import type { CallLedger } from "./call-ledger.js";
import type { LocalCallArchive } from "./local-call-archive.js";

/** Wraps a speech backend; the provider name and voices are the wrapped backend's. */
export class ArchivedTtsAdapter implements TtsAdapter {
  constructor(
    readonly inner: TtsAdapter,
    private readonly archive: LocalCallArchive,
    private readonly ledger: CallLedger,
  ) {}

  get provider(): string {
    return this.inner.provider;
  }

  voiceFor(language: string): string {
    return this.inner.voiceFor(language);
  }

  hasVoice(voice: string): boolean {
    return this.inner.hasVoice(voice);
  }

  /** Speaks the request, or replays the archived WAV and timings of an identical earlier request of the run. */
  synthesize(request: SpeechRequest): Promise<SpeechResult> {
    return callThroughArchive<SpeechResult>({
      ledger: this.ledger,
      archive: this.archive,
      kind: "speech",
      identity: {
        provider: this.inner.provider,
        model: request.voice,
        params: { voice: request.voice, wordsPerMinute: request.wordsPerMinute },
        input: { sentences: request.sentences },
      },
      signal: request.signal,
      call: async () => {
        const result = await this.inner.synthesize(request);
        return { result, filePath: result.outputPath };
      },
      replay: async (archived) => {
        if (!archived.filePath) throw new Error(`archived speech ${archived.recordPath} has no WAV file; delete the record and resume`);
        await mkdir(path.dirname(request.outputPath), { recursive: true });
        await copyFile(archived.filePath, request.outputPath);
        return { ...archived.result, outputPath: request.outputPath };
      },
    });
  }
}
