/**
 * Checks a run's options before the run is registered, so a mistake such as
 * an unknown voice or a missing API key fails in a second with one clear
 * message instead of stopping a half-finished run.
 */
import type { RunOptions } from "../config.js";
import { ConfigError } from "../errors.js";
import { createScriptWriter } from "../script/script-writer-factory.js";
import type { Services } from "../services.js";

/** Throws `ConfigError` when the voice or the script writer of `options` cannot work. */
export function checkRunOptions(services: Services, options: RunOptions): void {
  // Building the writer checks its configuration (API keys, project) without calling the model.
  createScriptWriter(options.scriptWriter, services.config, {
    storage: services.storage,
    runId: "preflight",
    node: "writeScript",
  });

  if (options.voice !== "auto" && !services.tts.hasVoice(options.voice)) {
    throw new ConfigError(
      `voice ${JSON.stringify(options.voice)} does not work with ${services.tts.provider}; ` +
        "pass --voice with a name from `espeak-ng --voices` (for example en-us or cmn), or leave it out to pick one from the document language",
    );
  }
}
