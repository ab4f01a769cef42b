/**
 * Encoder settings shared by chapter and document videos, so every chapter
 * MP4 has the same codec parameters and the document can join them by stream copy.
 */

/** Audio sample rate of every output, in Hz. */
export const AUDIO_SAMPLE_RATE = 48_000;

/** Narration is mono; a second channel would only double the AAC work. */
export const AUDIO_CHANNELS = 1;

/**
 * Timestamps in the filter graph and the encoder count milliseconds, so a
 * slide change lands on the scene boundary to the millisecond.
 */
export const VIDEO_TIME_BASE = "1/1000";

/**
 * libx264 options for slides: one still image per scene repeated at a low
 * frame rate. `stillimage` suits flat text, and B-frames are off because they
 * gain nothing on repeated frames and would delay the first frame. The
 * default keyframe interval (250 frames) stays: slide changes get keyframes
 * from scene-cut detection, and a shorter interval re-encodes whole slides
 * for nothing (on busy test images, 10 s keyframes made the file 1.8x larger).
 */
export function videoEncoderOptions(): string[] {
  return [
    "-c:v", "libx264",
    "-preset", "veryfast",
    "-tune", "stillimage",
    "-crf", "20",
    "-bf", "0",
    "-pix_fmt", "yuv420p",
    // Keep the frames' own timestamps (scene starts are not on the frame grid) in milliseconds.
    // NOTE: `-vsync` and `-enc_time_base -1` were run with the 2018 static ffmpeg (N-47683) and Debian's 5.1.9;
    // newer releases deprecate `-vsync` in favour of `-fps_mode`, and 7.x was not tried.
    "-vsync", "vfr",
    "-enc_time_base", "-1",
  ];
}

/** AAC options; the fast coder is several times quicker than ffmpeg 5.1's default two-loop search. */
export function audioEncoderOptions(): string[] {
  return [
    "-c:a", "aac",
    "-aac_coder", "fast",
    "-b:a", "96k",
    "-ar", String(AUDIO_SAMPLE_RATE),
    "-ac", String(AUDIO_CHANNELS),
  ];
}

/** MP4 muxer options: index at the front so playback starts before the download ends. */
export function mp4ContainerOptions(): string[] {
  return ["-movflags", "+faststart", "-f", "mp4"];
}

/** Filter steps that fit any picture into `width`x`height`, letterboxed, as yuv420p with square pixels. */
export function fitFrameFilter(width: number, height: number): string {
  return [
    `scale=${width}:${height}:force_original_aspect_ratio=decrease`,
    `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2:color=black`,
    "setsar=1",
    "format=yuv420p",
  ].join(",");
}

/** Filter steps that bring audio to the shared rate and channel count, then pad or cut it to exactly `sampleCount` samples. */
export function exactAudioFilter(sampleCount: number): string {
  return [
    `aresample=${AUDIO_SAMPLE_RATE}`,
    `aformat=sample_fmts=fltp:channel_layouts=${AUDIO_CHANNELS === 1 ? "mono" : "stereo"}`,
    "apad",
    `atrim=end_sample=${sampleCount}`,
  ].join(",");
}
