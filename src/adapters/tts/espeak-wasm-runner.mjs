/**
 * Child-process entry point that runs the npm `espeak-ng` package (espeak-ng
 * compiled to WebAssembly, GPL-3.0). It runs only as `node espeak-wasm-runner.mjs`
 * in a separate process, so espeak-ng is never loaded into doc2video itself.
 *
 * The process serves requests until stdin closes. Each request is one line of
 * JSON on stdin:
 *   {"options": ["-m", "-v", "en-us", "-s", "165"], "documents": ["<speak>...</speak>", ...]}
 * Each response on stdout is, with every integer a 4-byte little-endian
 * unsigned number: status, part count, then each part as a length and that
 * many bytes. With status 0 the parts are the WAV files produced by
 * `espeak-ng <options> -w out.wav -f in.txt`, one per document in order.
 * Otherwise the single part is espeak-ng's stderr as UTF-8, and status is
 * its exit status.
 *
 * The WebAssembly module is compiled once per process and instantiated anew
 * per document, because the program's `main` keeps global state (getopt,
 * voices) and cannot be re-entered.
 */
/* global WebAssembly */
import { Buffer } from "node:buffer";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import process from "node:process";
import { createInterface } from "node:readline";
import ESpeakNg from "espeak-ng";

const INPUT_PATH = "/input.txt";
const OUTPUT_PATH = "/output.wav";
/** Status for failures of the runner itself rather than of espeak-ng (EX_SOFTWARE). */
const RUNNER_FAILURE = 70;

/** Lines that Emscripten prints about its own runtime, not about speech. */
const RUNTIME_NOISE = /keepRuntimeAlive\(\) is set|program exited \(with status/;

async function compileEspeak() {
  const require = createRequire(import.meta.url);
  const wasmPath = path.join(path.dirname(require.resolve("espeak-ng")), "espeak-ng.wasm");
  return WebAssembly.compile(await readFile(wasmPath));
}

async function speakDocument(compiled, options, document) {
  const stderr = [];
  let status = 0;
  const instance = await ESpeakNg({
    arguments: [...options, "-w", OUTPUT_PATH, "-f", INPUT_PATH],
    print: (line) => stderr.push(line),
    printErr: (line) => {
      if (!RUNTIME_NOISE.test(line)) stderr.push(line);
    },
    quit: (code, toThrow) => {
      status = code;
      throw toThrow;
    },
    instantiateWasm: (imports, receiveInstance) => {
      WebAssembly.instantiate(compiled, imports).then(
        (instance) => receiveInstance(instance, compiled),
        (error) => {
          // The module would wait forever for this instance, so give up here.
          process.stderr.write(`espeak-ng WebAssembly instantiation failed: ${error}\n`);
          process.exit(RUNNER_FAILURE);
        },
      );
      return {};
    },
    preRun: [(module) => module.FS.writeFile(INPUT_PATH, document)],
  });

  if (status !== 0) return { status, stderr };
  try {
    return { status, stderr, wav: instance.FS.readFile(OUTPUT_PATH) };
  } catch {
    return { status: RUNNER_FAILURE, stderr: [...stderr, "espeak-ng wrote no WAV file"] };
  }
}

function uint32(value) {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value, 0);
  return bytes;
}

function writeResponse(status, parts) {
  const pieces = [uint32(status), uint32(parts.length)];
  for (const part of parts) pieces.push(uint32(part.length), part);
  return new Promise((resolve) => {
    if (process.stdout.write(Buffer.concat(pieces))) resolve();
    else process.stdout.once("drain", resolve);
  });
}

async function serve(compiled, line) {
  const { options, documents } = JSON.parse(line);
  const wavs = [];
  for (const document of documents) {
    const result = await speakDocument(compiled, options, document);
    if (result.status !== 0) {
      await writeResponse(result.status, [Buffer.from(result.stderr.join("\n"), "utf8")]);
      return;
    }
    wavs.push(result.wav);
  }
  await writeResponse(0, wavs);
}

const compiled = await compileEspeak();
// Requests are served one at a time, in order, because readline's async iterator waits for each loop body.
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (line.trim() !== "") await serve(compiled, line);
}
