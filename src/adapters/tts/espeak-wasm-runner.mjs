/**
 * Child-process entry point that runs the npm `espeak-ng` package (espeak-ng
 * compiled to WebAssembly, GPL-3.0). It runs only as `node espeak-wasm-runner.mjs`
 * in a separate process, so espeak-ng is never loaded into doc2video itself.
 *
 * Usage: node espeak-wasm-runner.mjs <espeak-ng options, e.g. -m -v en-us -s 165>
 * Input on stdin, one JSON object: { "documents": ["<speak>...</speak>", ...] }.
 * Output on stdout, for each document in order: a 4-byte little-endian length,
 * then that many bytes of WAV produced by `espeak-ng <options> -w out.wav -f in.txt`.
 * When espeak-ng exits non-zero, its stderr is copied to ours and we exit
 * with its status, leaving stdout incomplete.
 *
 * The WebAssembly module is compiled once and instantiated anew per document,
 * because the program's `main` keeps global state (getopt, voices) and cannot
 * be re-entered.
 */
/* global WebAssembly */
import { Buffer } from "node:buffer";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import process from "node:process";
import ESpeakNg from "espeak-ng";

const INPUT_PATH = "/input.txt";
const OUTPUT_PATH = "/output.wav";

/** Lines that Emscripten prints about its own runtime, not about speech. */
const RUNTIME_NOISE = /keepRuntimeAlive\(\) is set|program exited \(with status/;

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

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
          process.exit(70);
        },
      );
      return {};
    },
    preRun: [(module) => module.FS.writeFile(INPUT_PATH, document)],
  });

  if (status !== 0) return { status, stderr };
  let wav;
  try {
    wav = instance.FS.readFile(OUTPUT_PATH);
  } catch {
    return { status: 70, stderr: [...stderr, "espeak-ng wrote no WAV file"] };
  }
  return { status, stderr, wav };
}

function writeFrame(wav) {
  const length = Buffer.alloc(4);
  length.writeUInt32LE(wav.length, 0);
  process.stdout.write(length);
  return new Promise((resolve) => {
    if (process.stdout.write(wav)) resolve();
    else process.stdout.once("drain", resolve);
  });
}

const options = process.argv.slice(2);
const { documents } = JSON.parse(await readStdin());
const compiled = await compileEspeak();
for (const document of documents) {
  const result = await speakDocument(compiled, options, document);
  if (result.status !== 0) {
    process.stderr.write(result.stderr.join("\n") + "\n");
    process.exit(result.status);
  }
  await writeFrame(result.wav);
}
