/**
 * Child processes for espeak-ng. espeak-ng is GPL-3.0, so it is always a
 * separate process: either a system `espeak-ng` binary, run here once per
 * document, or `node espeak-wasm-runner.mjs` (see espeak-wasm-worker.ts),
 * which loads the npm `espeak-ng` WebAssembly build inside that child only.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { SubprocessError } from "../../errors.js";

/** Path of the child-process script that runs the WebAssembly build. */
export const WASM_RUNNER_PATH = fileURLToPath(new URL("./espeak-wasm-runner.mjs", import.meta.url));

/** Program that runs espeak-ng: a native binary, or the WebAssembly build under a Node.js child. */
export type EspeakEngine =
  | { kind: "system"; binaryPath: string }
  | { kind: "wasm"; nodePath: string; runnerPath: string };

/** Limits applied to every child process. */
export interface ChildLimits {
  timeoutMs: number;
  signal?: AbortSignal;
}

const STDERR_TAIL_CHARS = 2000;

/** Returns the error to reject with when `signal` aborted: its reason when that is an Error. */
export function abortErrorFor(signal: AbortSignal, operation: string): Error {
  if (signal.reason instanceof Error) return signal.reason;
  return new DOMException(`${operation} aborted`, "AbortError");
}

/** Names an engine for messages and logs. */
export function describeEngine(engine: EspeakEngine): string {
  return engine.kind === "system" ? `espeak-ng at ${engine.binaryPath}` : "espeak-ng (npm WebAssembly build)";
}

/**
 * Runs one child with `input` on stdin and resolves with its stdout once it
 * exits with code 0. On abort or timeout the child is killed with SIGKILL and
 * the promise settles only after the child has exited, so no process outlives it.
 */
export function runChild(command: string, args: readonly string[], input: string, limits: ChildLimits): Promise<Buffer> {
  const { signal, timeoutMs } = limits;
  if (signal?.aborted) return Promise.reject(abortErrorFor(signal, "espeak-ng"));

  return new Promise<Buffer>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    let stderrTail = "";
    let failure: Error | undefined;

    const fail = (error: Error): void => {
      failure ??= error;
      child.kill("SIGKILL");
    };
    const onAbort = (): void => fail(abortErrorFor(signal as AbortSignal, "espeak-ng"));
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(() => {
      fail(
        new SubprocessError(
          command,
          args,
          null,
          stderrTail,
          `${command} timed out after ${timeoutMs} ms and was killed; raise the timeoutMs option of EspeakTtsAdapter or speak fewer sentences per request`,
        ),
      );
    }, timeoutMs);

    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
    // A child that exits early closes its stdin, so writing fails with EPIPE; its exit code reports the failure instead.
    child.stdin.on("error", () => undefined);
    child.stdin.end(input, "utf8");

    child.on("error", (error: NodeJS.ErrnoException) => {
      const hint =
        error.code === "ENOENT"
          ? "install espeak-ng, set ESPEAK_PATH to its binary, or leave it unset to use the bundled WebAssembly build"
          : "check that the file is an executable espeak-ng";
      failure ??= new SubprocessError(command, args, null, stderrTail, `could not start ${command}: ${error.message}; ${hint}`, {
        cause: error,
      });
    });

    child.on("close", (code, killSignal) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      if (failure) {
        reject(failure);
      } else if (code !== 0) {
        const status = code === null ? `was killed by ${killSignal}` : `exited with code ${code}`;
        const detail = stderrTail.trim() || "(no stderr output)";
        reject(new SubprocessError(command, args, code, stderrTail, `${command} ${status}: ${detail}`));
      } else {
        resolve(Buffer.concat(stdout));
      }
    });
  });
}

/**
 * Speaks each document with a system espeak-ng binary and returns one WAV
 * per document, in order. Each document is one run that reads its text from
 * stdin, so no text is parsed as an option.
 */
export async function speakWithBinary(
  binaryPath: string,
  espeakOptions: readonly string[],
  documents: readonly string[],
  limits: ChildLimits,
): Promise<Buffer[]> {
  const wavs: Buffer[] = [];
  for (const document of documents) {
    wavs.push(await runChild(binaryPath, [...espeakOptions, "--stdout"], document, limits));
  }
  return wavs;
}
