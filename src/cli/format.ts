/** Formatting of durations, locations and run records for terminal and JSON output. */
import type { RunRecord } from "../runs/run-registry.js";

/** Formats seconds as `1h02m03s`, `2m05s` or `12.3s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "-";
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const total = Math.round(seconds);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = String(total % 60).padStart(2, "0");
  if (hours > 0) return `${hours}h${String(minutes).padStart(2, "0")}m${rest}s`;
  return `${minutes}m${rest}s`;
}

/** Converts a `file://` URL to a path for display; other URLs are returned unchanged. */
export function displayLocation(url: string): string {
  return url.startsWith("file://") ? decodeURIComponent(new URL(url).pathname) : url;
}

/**
 * Converts a run record to its `--json` form: snake_case keys like the other
 * commands' JSON, with the stored options and settings parsed.
 */
export function runRecordJson(run: RunRecord) {
  return {
    run_id: run.runId,
    status: run.status,
    source_path: run.sourcePath,
    source_sha256: run.sourceSha256,
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    finished_at: run.finishedAt,
    failed_node: run.failedNode,
    failed_chapter: run.failedChapter,
    error: run.error,
    lock_pid: run.lockPid,
    lock_host: run.lockHost,
    options: JSON.parse(run.optionsJson) as unknown,
    settings: run.configJson === null ? null : (JSON.parse(run.configJson) as unknown),
  };
}
