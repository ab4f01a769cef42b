/**
 * `search "<query>" [--run <id>] [-k 5] [--json]`: similarity search over
 * indexed chunks, printing chapter, score, offsets and a snippet per hit.
 * It opens the index configured by EMBEDDINGS_PROVIDER and VECTOR_STORE,
 * which must match the ones the runs were indexed with.
 */
import type { Command } from "commander";
import { configFromFlags } from "./run-command.js";
import { openChunkIndex } from "../indexing/open-chunk-index.js";
import { MAX_SEARCH_K, searchChunks, validateK, type ChunkHit } from "../indexing/search-chunks.js";
import { InvalidSearchError } from "../indexing/indexing-errors.js";
import { requireExistingWorkspace } from "./existing-workspace.js";

/** Flags of the search command. */
interface SearchFlags {
  run?: string;
  k: string;
  json?: boolean;
  workspace?: string;
}

const SNIPPET_CHARS = 160;

/** Registers `search` on `program`. */
export function registerSearchCommand(program: Command): void {
  program
    .command("search")
    .description("search the indexed chunks of all runs, or of one run, for passages similar to a query")
    .argument("<query>", "words or a sentence to look for")
    .option("--run <id>", "search only the chunks indexed by this run")
    .option("-k <count>", "number of hits to print, from 1 to 100", "5")
    .option("--json", "print the hits as JSON on stdout")
    .option("--workspace <dir>", "workspace folder holding the vector index (default: ./workspace or DOC2VIDEO_WORKSPACE)")
    .action(async (query: string, _flags: SearchFlags, command: Command) => {
      const flags = command.optsWithGlobals<SearchFlags>();
      await runSearch(query, flags);
    });
}

async function runSearch(query: string, flags: SearchFlags): Promise<void> {
  const k = Number(flags.k);
  if (flags.k.trim() === "" || Number.isNaN(k)) {
    throw new InvalidSearchError(`invalid -k ${JSON.stringify(flags.k)}; expected a whole number from 1 to ${MAX_SEARCH_K}`);
  }
  validateK(k);
  const config = configFromFlags(flags);
  requireExistingWorkspace(config);
  const index = await openChunkIndex({ config });
  try {
    const hits = await searchChunks({ store: index.store, collection: index.collection, query, k, runId: flags.run });
    if (flags.json) {
      const output = { query, k, runId: flags.run ?? null, collection: index.collection, hits };
      process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
      return;
    }
    process.stdout.write(formatHits(hits, index.collection));
  } finally {
    await index.close();
  }
}

/** Formats hits for the terminal: one header line and one snippet line per hit. */
export function formatHits(hits: ChunkHit[], collection: string): string {
  if (hits.length === 0) {
    return `no indexed chunks in ${collection}; index a document with \`pnpm agent run <file>\` first\n`;
  }
  const lines: string[] = [];
  hits.forEach((hit, i) => {
    lines.push(
      `${i + 1}. chapter ${hit.chapterIndex + 1} "${hit.chapterTitle}"  score ${hit.score.toFixed(3)}  ` +
        `chars ${hit.start}-${hit.end}  run ${hit.runId}`,
    );
    lines.push(`   ${snippet(hit.text)}`);
  });
  return `${lines.join("\n")}\n`;
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= SNIPPET_CHARS ? flat : `${flat.slice(0, SNIPPET_CHARS - 1)}…`;
}
