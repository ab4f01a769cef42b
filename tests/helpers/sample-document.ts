import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** Writes a short three-chapter Markdown document into a new temporary folder and returns its path. */
export function writeSampleDocument(name = "lighthouses.md"): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), "doc2video-doc-"));
  const filePath = path.join(folder, name);
  writeFileSync(
    filePath,
    [
      "# Lighthouses",
      "",
      "## The First Lights",
      "",
      "Early harbour lights were open fires on hilltops. Keepers fed them with wood and coal through the night.",
      "The smoke and the wind made them hard to see from the sea.",
      "",
      "## Lenses and Lamps",
      "",
      "A glass lens gathers the light of a small lamp into a narrow beam. The beam can be seen many miles away.",
      "Rotating lenses give each lighthouse its own rhythm of flashes.",
      "",
      "## Keepers Today",
      "",
      "Most lights now run without keepers. Sensors switch the lamp on at dusk and report faults by radio.",
      "Volunteers still visit many towers to keep them painted and safe.",
      "",
    ].join("\n"),
  );
  return filePath;
}
