/**
 * The one logger of the library. It writes JSON lines to stderr so the CLI
 * keeps stdout for its own output; the level comes from configuration.
 */
import { pino, type Logger } from "pino";

let root: Logger = pino({ level: "warn" }, pino.destination(2));

/** Replaces the root logger's level, for example from `LOG_LEVEL` or `--verbose`. */
export function setLogLevel(level: string): void {
  root.level = level;
}

/** Returns a child logger tagged with a component name. */
export function getLogger(component: string): Logger {
  return root.child({ component });
}

/** Swaps the root logger, for tests that capture log lines. */
export function setRootLogger(logger: Logger): void {
  root = logger;
}
