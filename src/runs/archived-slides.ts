/** A `SlideRenderer` that renders each slide through the call archive and records it in the call ledger. */
import { copyFile, mkdir } from "node:fs/promises";
import path from "node:path";
import type { SlideRenderer, SlideSpec } from "../adapters/images/slide-renderer.js";
import { callThroughArchive } from "./archived-call.js";
import type { CallLedger } from "./call-ledger.js";
import type { LocalCallArchive } from "./local-call-archive.js";

/** Wraps a slide backend; the provider name is the wrapped backend's. */
export class ArchivedSlideRenderer implements SlideRenderer {
  constructor(
    readonly inner: SlideRenderer,
    private readonly archive: LocalCallArchive,
    private readonly ledger: CallLedger,
  ) {}

  get provider(): string {
    return this.inner.provider;
  }

  /** Draws the slide, or copies the archived PNG of an identical earlier slide of the run. */
  async render(spec: SlideSpec, outputPath: string, signal?: AbortSignal): Promise<void> {
    await callThroughArchive<null>({
      ledger: this.ledger,
      archive: this.archive,
      kind: "slide",
      identity: { provider: this.inner.provider, model: this.inner.provider, params: {}, input: spec },
      signal,
      call: async () => {
        await this.inner.render(spec, outputPath, signal);
        return { result: null, filePath: outputPath };
      },
      replay: async (archived) => {
        if (!archived.filePath) throw new Error(`archived slide ${archived.recordPath} has no PNG file; delete the record and resume`);
        await mkdir(path.dirname(outputPath), { recursive: true });
        await copyFile(archived.filePath, outputPath);
        return null;
      },
    });
  }
}
