/**
 * Locates the ffmpeg and ffprobe executables and reads their versions.
 *
 * Each program is looked up on its own, in this order: the explicit path from
 * configuration (`FFMPEG_PATH` / `FFPROBE_PATH`), then the program of that name
 * on PATH, then the static build shipped by @ffmpeg-installer/ffmpeg or
 * @ffprobe-installer/ffprobe. An explicit path that does not run is an error,
 * not a reason to fall back, so a typo in the configuration is never hidden.
 */
import { execFile } from "node:child_process";
import { ConfigError } from "../errors.js";
import { getLogger } from "../logger.js";

/** The place a program was found: configuration, PATH or an npm package. */
export type BinarySource = "config" | "path" | "npm";

/** One resolved program. */
export interface ResolvedBinary {
  /** Absolute path, or the bare name when found on PATH. */
  path: string;
  /** First line of `-version` without the copyright, for example `ffmpeg version 5.1.6-0+deb12u1`. */
  version: string;
  source: BinarySource;
}

/** The ffmpeg and ffprobe that the media functions run. */
export interface FfmpegBinaries {
  ffmpeg: ResolvedBinary;
  ffprobe: ResolvedBinary;
}

/** Explicit paths from configuration (`config.binaries`); unset means search. */
export interface BinaryPathOptions {
  ffmpeg?: string;
  ffprobe?: string;
}

type ProgramName = "ffmpeg" | "ffprobe";

const VERSION_TIMEOUT_MS = 10_000;

const INSTALL_HINT: Record<ProgramName, string> = {
  ffmpeg: "install ffmpeg (for example `apt-get install ffmpeg`), run `pnpm install` to restore @ffmpeg-installer/ffmpeg, or set FFMPEG_PATH",
  ffprobe:
    "install ffprobe (for example `apt-get install ffmpeg`), run `pnpm install` to restore @ffprobe-installer/ffprobe, or set FFPROBE_PATH",
};

const ENV_NAME: Record<ProgramName, string> = { ffmpeg: "FFMPEG_PATH", ffprobe: "FFPROBE_PATH" };

const cache = new Map<string, Promise<FfmpegBinaries>>();
const log = getLogger("ffmpeg-binaries");

/**
 * Resolves ffmpeg and ffprobe once per distinct set of explicit paths and
 * caches the result for the life of the process.
 */
export function resolveFfmpegBinaries(options: BinaryPathOptions = {}): Promise<FfmpegBinaries> {
  const key = JSON.stringify([options.ffmpeg ?? null, options.ffprobe ?? null]);
  let pending = cache.get(key);
  if (!pending) {
    pending = resolveBoth(options);
    // A failed lookup is not cached, so installing the program and retrying works.
    pending.catch(() => cache.delete(key));
    cache.set(key, pending);
  }
  return pending;
}

async function resolveBoth(options: BinaryPathOptions): Promise<FfmpegBinaries> {
  const [ffmpeg, ffprobe] = await Promise.all([
    resolveProgram("ffmpeg", options.ffmpeg),
    resolveProgram("ffprobe", options.ffprobe),
  ]);
  return { ffmpeg, ffprobe };
}

async function resolveProgram(name: ProgramName, explicitPath: string | undefined): Promise<ResolvedBinary> {
  if (explicitPath !== undefined) {
    try {
      return { path: explicitPath, version: await readVersion(explicitPath), source: "config" };
    } catch (error) {
      throw new ConfigError(
        `${ENV_NAME[name]}=${JSON.stringify(explicitPath)} does not run as ${name} (${describe(error)}); ` +
          `point ${ENV_NAME[name]} at a working ${name} or unset it to search PATH`,
        { cause: error },
      );
    }
  }

  const failures: string[] = [];
  try {
    return { path: name, version: await readVersion(name), source: "path" };
  } catch (error) {
    failures.push(`PATH: ${describe(error)}`);
    // A program that is on PATH but does not run (missing libraries, wrong architecture) is worth a warning.
    if (!isNotFound(error)) log.warn({ program: name, error: describe(error) }, `${name} on PATH failed to run; trying the npm package`);
  }

  try {
    const bundledPath = await loadBundledPath(name);
    return { path: bundledPath, version: await readVersion(bundledPath), source: "npm" };
  } catch (error) {
    failures.push(`npm package: ${describe(error)}`);
  }

  throw new ConfigError(`${name} not found (${failures.join("; ")}); ${INSTALL_HINT[name]}`);
}

async function loadBundledPath(name: ProgramName): Promise<string> {
  // Both installer packages throw a string, not an Error, on an unsupported platform.
  const loaded: { default: { path: string } } =
    name === "ffmpeg" ? await import("@ffmpeg-installer/ffmpeg") : await import("@ffprobe-installer/ffprobe");
  return loaded.default.path;
}

/** Runs `<program> -version` and returns its first line. */
function readVersion(program: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(program, ["-version"], { timeout: VERSION_TIMEOUT_MS, windowsHide: true }, (error, stdout) => {
      if (error) {
        reject(error);
        return;
      }
      const firstLine = (stdout.split("\n", 1)[0] ?? "").replace(/\s+Copyright.*$/, "").trim();
      if (!/version/i.test(firstLine)) {
        reject(new Error(`unexpected -version output ${JSON.stringify(firstLine.slice(0, 80))}`));
        return;
      }
      resolve(firstLine);
    });
  });
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && "code" in error && error.code === "ENOENT";
}

function describe(error: unknown): string {
  if (error instanceof Error) return "code" in error && error.code ? `${String(error.code)}: ${error.message}` : error.message;
  return String(error);
}
