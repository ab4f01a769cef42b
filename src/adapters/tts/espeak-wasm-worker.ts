/**
 * A long-lived `node espeak-wasm-runner.mjs` child that speaks requests one
 * at a time. Keeping it alive saves the Node.js start, the WebAssembly
 * compile and the JIT warm-up on every request. The protocol is described in
 * espeak-wasm-runner.mjs.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { SubprocessError } from "../../errors.js";
import { ByteQueue } from "./byte-queue.js";
import { abortErrorFor, type ChildLimits } from "./espeak-process.js";

const STDERR_TAIL_CHARS = 2000;

interface PendingRequest {
  resolve: (wavs: Buffer[]) => void;
  reject: (error: Error) => void;
  args: string[];
  timer: NodeJS.Timeout;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/** Response being read: status and part count once known, then the parts read so far. */
interface ResponseState {
  status?: number;
  partCount?: number;
  partLength?: number;
  parts: Buffer[];
}

/** One runner child. After a timeout, abort or crash it is dead and a new worker must be made. */
export class EspeakWasmWorker {
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly received = new ByteQueue();
  private response: ResponseState = { parts: [] };
  private pending: PendingRequest | undefined;
  private failure: Error | undefined;
  private stderrTail = "";
  private exited = false;

  constructor(
    private readonly nodePath: string,
    private readonly runnerPath: string,
  ) {}

  /** False once the child has exited or was killed. */
  get alive(): boolean {
    return !this.exited && this.failure === undefined;
  }

  /** Process id of the child, once started. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Speaks each document with `espeakOptions` and resolves with one WAV per
   * document. On abort or timeout the child is killed, and the promise
   * settles only after it has exited.
   */
  speak(espeakOptions: readonly string[], documents: readonly string[], limits: ChildLimits): Promise<Buffer[]> {
    const args = [this.runnerPath, ...espeakOptions];
    if (this.pending) {
      return Promise.reject(new Error("EspeakWasmWorker.speak called while a request is running; use one worker per request"));
    }
    if (!this.alive) {
      return Promise.reject(new Error("EspeakWasmWorker.speak called on a dead worker; create a new worker"));
    }
    if (limits.signal?.aborted) return Promise.reject(abortErrorFor(limits.signal, "espeak-ng"));

    const child = this.start();
    setReferenced(child, true);
    return new Promise<Buffer[]>((resolve, reject) => {
      const onAbort = (): void => this.kill(abortErrorFor(limits.signal as AbortSignal, "espeak-ng"));
      const timer = setTimeout(() => {
        this.kill(
          new SubprocessError(
            this.nodePath,
            args,
            null,
            this.stderrTail,
            `${this.nodePath} ${this.runnerPath} timed out after ${limits.timeoutMs} ms and was killed; ` +
              "raise the timeoutMs option of EspeakTtsAdapter or speak fewer sentences per request",
          ),
        );
      }, limits.timeoutMs);
      limits.signal?.addEventListener("abort", onAbort, { once: true });
      this.pending = { resolve, reject, args, timer, signal: limits.signal, onAbort };
      child.stdin.write(`${JSON.stringify({ options: espeakOptions, documents })}\n`);
    });
  }

  /** Kills the child; a request still running rejects with a `worker closed` error. */
  close(): void {
    this.kill(new Error("espeak-ng worker closed"));
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn(this.nodePath, [this.runnerPath], { stdio: ["pipe", "pipe", "pipe"] });
    this.child = child;

    child.stdout.on("data", (chunk: Buffer) => {
      this.received.push(chunk);
      this.readResponse();
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
    // A child that died closes its stdin, so writing fails with EPIPE; the exit handler reports the failure.
    child.stdin.on("error", () => undefined);
    child.on("error", (error) => {
      this.failure ??= new SubprocessError(
        this.nodePath,
        [this.runnerPath],
        null,
        this.stderrTail,
        `could not start ${this.nodePath} ${this.runnerPath}: ${error.message}; check the nodePath option`,
        { cause: error },
      );
    });
    child.on("close", (code, killSignal) => {
      this.exited = true;
      const status = code === null ? `was killed by ${killSignal}` : `exited with code ${code}`;
      const detail = this.stderrTail.trim() || "(no stderr output)";
      this.settle(
        this.failure ??
          new SubprocessError(this.nodePath, [this.runnerPath], code, this.stderrTail, `${this.nodePath} ${this.runnerPath} ${status}: ${detail}`),
      );
    });
    return child;
  }

  private kill(error: Error): void {
    this.failure ??= error;
    if (this.child && !this.exited) this.child.kill("SIGKILL");
  }

  /** Reads as much of the current response as has arrived, and settles the request when it is complete. */
  private readResponse(): void {
    const state = this.response;
    if (state.status === undefined) {
      const header = this.received.take(8);
      if (!header) return;
      state.status = header.readUInt32LE(0);
      state.partCount = header.readUInt32LE(4);
    }
    while (state.parts.length < (state.partCount as number)) {
      if (state.partLength === undefined) {
        const length = this.received.take(4);
        if (!length) return;
        state.partLength = length.readUInt32LE(0);
      }
      const part = this.received.take(state.partLength);
      if (!part) return;
      state.parts.push(part);
      state.partLength = undefined;
    }

    this.response = { parts: [] };
    if (state.status === 0) {
      this.settle(undefined, state.parts);
      return;
    }
    const request = this.pending;
    const stderr = state.parts[0]?.toString("utf8") ?? "";
    const detail = stderr.trim() || "(no stderr output)";
    this.settle(
      new SubprocessError(this.nodePath, request?.args ?? [], state.status, stderr, `espeak-ng exited with code ${state.status}: ${detail}`),
    );
  }

  private settle(error: Error | undefined, wavs: Buffer[] = []): void {
    const request = this.pending;
    if (this.child && !this.exited) setReferenced(this.child, false);
    if (!request) return;
    this.pending = undefined;
    clearTimeout(request.timer);
    request.signal?.removeEventListener("abort", request.onAbort);
    if (error) request.reject(error);
    else request.resolve(wavs);
  }
}

/** Lets an idle child and its pipes stop holding the parent's event loop open, so the parent can exit. */
function setReferenced(child: ChildProcessWithoutNullStreams, referenced: boolean): void {
  for (const handle of [child, child.stdin, child.stdout, child.stderr] as Array<{ ref(): void; unref(): void }>) {
    if (referenced) handle.ref();
    else handle.unref();
  }
}
