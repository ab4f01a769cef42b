/** Formatting of durations and sizes for terminal output. */

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
