import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EspeakTtsAdapter, type EspeakTtsOptions } from "../../../src/adapters/tts/espeak.js";
import { SpeechSynthesisError } from "../../../src/adapters/tts/speech-synthesis-error.js";
import type { SpeechResult } from "../../../src/adapters/tts/tts-adapter.js";
import { isAbortError, SubprocessError } from "../../../src/errors.js";
import { readWavFile } from "../../../src/media/wav.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const corpus = path.resolve(repoRoot, "../shared/corpus");
const PAUSE_SECONDS = 0.35;

// The WebAssembly build is always tested; a system espeak-ng too when this machine has one.
const systemFound = (await new EspeakTtsAdapter().engine()).kind === "system";
const engines: Array<EspeakTtsOptions["engine"]> = systemFound ? ["wasm", "system"] : ["wasm"];

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(path.join(os.tmpdir(), "espeak-test-"));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

let fileCounter = 0;
function outputPath(): string {
  fileCounter += 1;
  return path.join(directory, `speech-${fileCounter}.wav`);
}

/** Process ids whose parent is this test process, read from /proc. */
async function childPids(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      // The parent pid is the second field after the parenthesised command name.
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (parent === process.pid) pids.push(Number(entry));
    } catch {
      // The process exited while we were listing.
    }
  }
  return pids;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Checks the WAV on disk against the result: duration is the spoken spans plus the pauses between them. */
async function expectConsistentAudio(result: SpeechResult, sentenceCount: number): Promise<void> {
  const audio = await readWavFile(result.outputPath);
  const spoken = result.sentences.reduce((sum, s) => sum + (s.endSeconds - s.startSeconds), 0);

  expect(audio.channels).toBe(1);
  expect(audio.bitsPerSample).toBe(16);
  expect(audio.sampleRate).toBe(result.sampleRate);
  expect(result.sentences).toHaveLength(sentenceCount);
  expect(Math.abs(audio.durationSeconds - result.durationSeconds)).toBeLessThan(0.001);
  expect(Math.abs(audio.durationSeconds - (spoken + PAUSE_SECONDS * (sentenceCount - 1)))).toBeLessThan(0.001);
  expect(result.sentences[0]?.startSeconds).toBe(0);
  expect(result.sentences[sentenceCount - 1]?.endSeconds).toBeCloseTo(audio.durationSeconds, 9);
  result.sentences.forEach((sentence, index) => {
    expect(sentence.endSeconds).toBeGreaterThan(sentence.startSeconds);
    if (index > 0) expect(sentence.startSeconds).toBeGreaterThan(result.sentences[index - 1]!.endSeconds);
  });
}

describe.each(engines)("EspeakTtsAdapter with the %s engine", (engine) => {
  const adapter = new EspeakTtsAdapter({ engine, sentencePauseSeconds: PAUSE_SECONDS });
  afterAll(() => adapter.close());

  it("speaks English with exact timings", async () => {
    const sentences = [
      "The rain had stopped by the time we reached the harbour.",
      "Nobody spoke.",
      "Far out on the water, a single light moved slowly towards the north, then vanished.",
    ];
    const result = await adapter.synthesize({ sentences, voice: "en-us", wordsPerMinute: 165, outputPath: outputPath() });

    await expectConsistentAudio(result, 3);
    expect(result.sentences.map((s) => s.text)).toEqual(sentences);
    expect(result.sentences[1]!.endSeconds - result.sentences[1]!.startSeconds).toBeLessThan(
      result.sentences[2]!.endSeconds - result.sentences[2]!.startSeconds,
    );
  });

  it("speaks Chinese corpus sentences", async () => {
    const text = await readFile(path.join(corpus, "journey-to-the-west-zh.txt"), "utf8");
    const sentences = (text.slice(3000, 4000).replace(/\s+/g, "").match(/[^。！？]+[。！？]/gu) ?? []).slice(0, 4);
    const result = await adapter.synthesize({ sentences, voice: "cmn", wordsPerMinute: 165, outputPath: outputPath() });

    expect(sentences).toHaveLength(4);
    await expectConsistentAudio(result, 4);
  });

  it("speaks text that looks like options or markup", async () => {
    const sentences = [
      "-v xx --help is not an option here.",
      '"Quoted," she said — with dashes – and <angle> brackets & ampersands.',
      "Café, naïve, Zürich, 1,234.5 and 2024-01-01.",
    ];
    const result = await adapter.synthesize({ sentences, voice: "en-us", wordsPerMinute: 200, outputPath: outputPath() });

    await expectConsistentAudio(result, 3);
    expect(result.sentences[0]!.endSeconds).toBeGreaterThan(1);
  });

  it("speaks a very long sentence", async () => {
    const sentence = Array.from({ length: 300 }, (_, i) => `clause number ${i} goes on`).join(", ") + ".";
    const result = await adapter.synthesize({
      sentences: ["Start.", sentence, "End."],
      voice: "en-us",
      wordsPerMinute: 300,
      outputPath: outputPath(),
    });

    expect(sentence.length).toBeGreaterThan(7000);
    await expectConsistentAudio(result, 3);
    expect(result.sentences[1]!.endSeconds - result.sentences[1]!.startSeconds).toBeGreaterThan(120);
  });

  it("splits a request across several runs", async () => {
    const sentences = ["First of five.", "Second of five.", "Third of five.", "Fourth of five.", "Fifth of five."];
    const together = await adapter.synthesize({ sentences, voice: "en-us", wordsPerMinute: 165, outputPath: outputPath() });
    const split = await new EspeakTtsAdapter({ engine, maxCharsPerRun: 20 }).synthesize({
      sentences,
      voice: "en-us",
      wordsPerMinute: 165,
      outputPath: outputPath(),
    });

    await expectConsistentAudio(split, 5);
    // The preceding sentence changes intonation a little (up to 11 % measured), so lengths match only roughly.
    // A cut at the wrong place would merge or drop a whole sentence and fail these bounds.
    together.sentences.forEach((sentence, index) => {
      const alone = split.sentences[index]!;
      const ratio = (alone.endSeconds - alone.startSeconds) / (sentence.endSeconds - sentence.startSeconds);
      expect(ratio).toBeGreaterThan(0.8);
      expect(ratio).toBeLessThan(1.25);
    });
  });

  it("clamps rates to the shared range", async () => {
    const request = { sentences: ["The rain had stopped by the time we reached the harbour."], voice: "en-us" };
    const atMax = await adapter.synthesize({ ...request, wordsPerMinute: 450, outputPath: outputPath() });
    const above = await adapter.synthesize({ ...request, wordsPerMinute: 1000, outputPath: outputPath() });
    const atMin = await adapter.synthesize({ ...request, wordsPerMinute: 80, outputPath: outputPath() });
    const below = await adapter.synthesize({ ...request, wordsPerMinute: 20, outputPath: outputPath() });

    expect(above.durationSeconds).toBe(atMax.durationSeconds);
    expect(below.durationSeconds).toBe(atMin.durationSeconds);
    expect(atMin.durationSeconds).toBeGreaterThan(atMax.durationSeconds * 3);
  });

  it("names a sentence that produces no audio", async () => {
    const request = { sentences: ["Hello there.", "...", "Goodbye."], voice: "en-us", wordsPerMinute: 165, outputPath: outputPath() };

    await expect(adapter.synthesize(request)).rejects.toThrow(SpeechSynthesisError);
    await expect(adapter.synthesize(request)).rejects.toThrow(
      'sentence 2 of 3 ("...") produced no audio with espeak-ng voice "en-us"; remove it or spell it out as words',
    );
  });

  it("rejects an unknown voice", async () => {
    const request = { sentences: ["Hello."], voice: "xx-nonexistent", wordsPerMinute: 165, outputPath: outputPath() };
    const error = await adapter.synthesize(request).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SubprocessError);
    expect((error as SubprocessError).message).toContain('has no voice "xx-nonexistent"; use a name from "espeak-ng --voices"');
    expect((error as SubprocessError).exitCode).toBe(1);
  });

  it("kills the child on abort", async () => {
    // A fresh adapter, so the child it starts is new and not an idle one left by earlier tests.
    const aborted = new EspeakTtsAdapter({ engine });
    const controller = new AbortController();
    const sentence = Array.from({ length: 400 }, (_, i) => `sentence part ${i} keeps the child busy`).join(", ") + ".";
    const pidsBefore = new Set(await childPids());
    const pending = aborted.synthesize({
      sentences: [sentence, sentence, sentence, sentence],
      voice: "en-us",
      wordsPerMinute: 165,
      outputPath: outputPath(),
      signal: controller.signal,
    });
    const settled = pending.catch((caught: unknown) => caught);

    let espeakPid: number | undefined;
    const deadline = Date.now() + 10_000;
    while (espeakPid === undefined && Date.now() < deadline) {
      espeakPid = (await childPids()).find((pid) => !pidsBefore.has(pid));
      if (espeakPid === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    controller.abort();
    const error = await settled;

    expect(espeakPid).toBeDefined();
    expect(isAbortError(error)).toBe(true);
    expect(isRunning(espeakPid!)).toBe(false);
  });

  it("rejects an aborted signal before starting", async () => {
    const controller = new AbortController();
    controller.abort();
    const request = { sentences: ["Hello."], voice: "en-us", wordsPerMinute: 165, outputPath: outputPath(), signal: controller.signal };

    await expect(adapter.synthesize(request)).rejects.toSatisfy(isAbortError);
  });

  it("times out with a SubprocessError", async () => {
    const slow = new EspeakTtsAdapter({ engine, timeoutMs: 1 });
    const request = { sentences: ["Hello."], voice: "en-us", wordsPerMinute: 165, outputPath: outputPath() };
    const error = await slow.synthesize(request).catch((caught: unknown) => caught);
    slow.close();

    expect(error).toBeInstanceOf(SubprocessError);
    expect((error as SubprocessError).message).toContain("timed out after 1 ms and was killed");
  });
});

describe("EspeakTtsAdapter with the wasm engine", () => {
  const request = () => ({ sentences: ["Hello."], voice: "en-us", wordsPerMinute: 165, outputPath: outputPath() });

  it("reuses one child across requests", async () => {
    const adapter = new EspeakTtsAdapter({ engine: "wasm" });
    const pidsBefore = new Set(await childPids());
    await adapter.synthesize(request());
    const afterFirst = (await childPids()).filter((pid) => !pidsBefore.has(pid));
    await adapter.synthesize(request());
    const afterSecond = (await childPids()).filter((pid) => !pidsBefore.has(pid));
    adapter.close();

    expect(afterFirst).toHaveLength(1);
    expect(afterSecond).toEqual(afterFirst);
  });

  it("keeps the child after an espeak-ng error", async () => {
    const adapter = new EspeakTtsAdapter({ engine: "wasm" });
    const pidsBefore = new Set(await childPids());
    await adapter.synthesize(request());
    const worker = (await childPids()).filter((pid) => !pidsBefore.has(pid));
    await expect(adapter.synthesize({ ...request(), voice: "xx-nonexistent" })).rejects.toThrow(SubprocessError);
    const result = await adapter.synthesize(request());
    const afterError = (await childPids()).filter((pid) => !pidsBefore.has(pid));
    adapter.close();

    expect(result.sentences).toHaveLength(1);
    expect(afterError).toEqual(worker);
  });

  it("stops idle children on close", async () => {
    const adapter = new EspeakTtsAdapter({ engine: "wasm" });
    const pidsBefore = new Set(await childPids());
    await adapter.synthesize(request());
    const [worker] = (await childPids()).filter((pid) => !pidsBefore.has(pid));
    adapter.close();
    const deadline = Date.now() + 5000;
    while (isRunning(worker!) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));

    expect(worker).toBeDefined();
    expect(isRunning(worker!)).toBe(false);
  });

  it("stops idle children after the idle timeout", async () => {
    const adapter = new EspeakTtsAdapter({ engine: "wasm", idleTimeoutMs: 1000 });
    const pidsBefore = new Set(await childPids());
    await adapter.synthesize(request());
    const [worker] = (await childPids()).filter((pid) => !pidsBefore.has(pid));
    const deadline = Date.now() + 5000;
    while (isRunning(worker!) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));

    expect(worker).toBeDefined();
    expect(isRunning(worker!)).toBe(false);
  });
});

describe("EspeakTtsAdapter", () => {
  const adapter = new EspeakTtsAdapter({ engine: "wasm" });

  it("rejects an empty sentence list", async () => {
    const request = { sentences: [], voice: "en-us", wordsPerMinute: 165, outputPath: "/tmp/none.wav" };

    await expect(adapter.synthesize(request)).rejects.toThrow("no sentences to speak for /tmp/none.wav; pass at least one sentence");
  });

  it("rejects a blank sentence", async () => {
    const request = { sentences: ["Hi.", "  "], voice: "en-us", wordsPerMinute: 165, outputPath: "/tmp/none.wav" };

    await expect(adapter.synthesize(request)).rejects.toThrow(
      "sentence 2 of 2 for /tmp/none.wav is blank; drop blank sentences before synthesis",
    );
  });

  it("rejects a missing binary with a hint", async () => {
    const missing = new EspeakTtsAdapter({ binaryPath: path.join(directory, "no-such-espeak") });
    const request = { sentences: ["Hello."], voice: "en-us", wordsPerMinute: 165, outputPath: outputPath() };

    await expect(missing.synthesize(request)).rejects.toThrow(/could not start .*no-such-espeak: .*ENOENT.*set ESPEAK_PATH/);
  });

  it("uses a configured binary path", async () => {
    const configured = new EspeakTtsAdapter({ binaryPath: "/opt/espeak/bin/espeak-ng" });

    expect(await configured.engine()).toEqual({ kind: "system", binaryPath: "/opt/espeak/bin/espeak-ng" });
  });

  it("reports the provider name", () => {
    expect(adapter.provider).toBe("espeak");
  });
});
