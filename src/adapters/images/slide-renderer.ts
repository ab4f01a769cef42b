/** The slide interface: one 16:9 picture per scene. */

/** Content and size of one slide. */
export interface SlideSpec {
  documentTitle: string;
  chapterTitle: string;
  /** Label above the chapter title, such as `LETTER 3`; defaults to the chapter's position, `CHAPTER 5`. */
  chapterLabel?: string;
  /** One-based chapter number and total, shown as progress. */
  chapterNumber: number;
  chapterCount: number;
  /** One-based scene number and total within the chapter. */
  sceneNumber: number;
  sceneCount: number;
  sceneTitle: string;
  /** Two to five short points. */
  keyPoints: string[];
  /** BCP 47 primary language, for font choice (CJK text needs a CJK font). */
  language: string;
  width: number;
  height: number;
}

/** A slide backend. */
export interface SlideRenderer {
  readonly provider: string;
  /** Draws `spec` into a PNG file at `outputPath`. */
  render(spec: SlideSpec, outputPath: string, signal?: AbortSignal): Promise<void>;
}
