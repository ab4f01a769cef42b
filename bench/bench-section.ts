/** The shape of one benchmark section that `bench/run.ts` discovers and runs. */

/** Facts a section may print next to its numbers. */
export interface BenchContext {
  /** Arguments after the section names on the command line, for example `--sizes 10000`. */
  args: string[];
  /** Folder for scratch files; the runner deletes it afterwards. */
  scratchDir: string;
  /** Absolute path of the repository root. */
  repoRoot: string;
}

/** A benchmark section: a file `bench/<name>.bench.ts` whose default export is this. */
export interface BenchSection {
  title: string;
  /** Runs the measurements and returns the section's Markdown body. */
  run(context: BenchContext): Promise<string>;
}
