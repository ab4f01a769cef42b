/** MIME types of the artifacts doc2video writes, chosen by file extension. */

const CONTENT_TYPES: Record<string, string> = {
  mp4: "video/mp4",
  wav: "audio/wav",
  mp3: "audio/mpeg",
  m4a: "audio/mp4",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  srt: "application/x-subrip",
  vtt: "text/vtt",
  json: "application/json",
  jsonl: "application/x-ndjson",
  md: "text/markdown; charset=utf-8",
  txt: "text/plain; charset=utf-8",
  html: "text/html; charset=utf-8",
  pdf: "application/pdf",
  epub: "application/epub+zip",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
};

/** Returns the MIME type for a key or file name, `application/octet-stream` when unknown. */
export function contentTypeFor(keyOrName: string): string {
  const dot = keyOrName.lastIndexOf(".");
  const extension = dot === -1 ? "" : keyOrName.slice(dot + 1).toLowerCase();
  return CONTENT_TYPES[extension] ?? "application/octet-stream";
}
