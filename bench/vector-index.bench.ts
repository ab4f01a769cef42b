/**
 * Local vector store benchmark: indexing throughput (embedding included) and
 * query latency at several collection sizes, and recall@5 of the offline
 * hashing embedder on hand-written chapter queries.
 *
 * Chunks for the size runs are 1,000-character windows at seeded random
 * offsets in the shared corpus text files, so every run indexes the same text.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import iconv from "iconv-lite";
import * as lancedb from "@lancedb/lancedb";
import { HashingEmbeddings } from "../src/adapters/embeddings/hashing-embeddings.js";
import { LocalVectorStore } from "../src/adapters/vectorstore/local-vector-store.js";
import { collectionName } from "../src/adapters/vectorstore/collection-name.js";
import { SqliteRecordManager } from "../src/indexing/sqlite-record-manager.js";
import { indexDocumentChunks } from "../src/indexing/index-document-chunks.js";
import { searchChunks } from "../src/indexing/search-chunks.js";
import type { IndexableChunk } from "../src/indexing/chunk-metadata.js";
import type { BenchContext, BenchSection } from "./bench-section.js";
import { loadCorpusBooks, type CorpusBook } from "./corpus-chapters.js";
import { RECALL_QUERIES } from "./recall-queries.js";

const DEFAULT_SIZES = [10_000, 100_000];
const CHUNK_CHARS = 1000;
const CHUNKS_PER_CHAPTER = 500;
const QUERY_COUNT = 200;
const WARMUP_QUERIES = 10;
const K = 5;
const RECALL_DIMENSIONS = [384, 768, 1024];
const AGREEMENT_QUERIES = 50;

const CORPUS_TEXT_FILES: [string, string][] = [
  ["hound-of-the-baskervilles.md", "utf8"],
  ["frankenstein-gutenberg.txt", "windows-1252"],
  ["plague-year-no-headings.md", "utf8"],
  ["yt-dlp-readme.md", "utf8"],
  ["journey-to-the-west-zh.txt", "utf8"],
];

const section: BenchSection = {
  title: "Vector index (local LanceDB store, hashing embeddings)",
  async run(context) {
    const sizes = parseSizes(context.args);
    const corpusDir = path.resolve(context.repoRoot, "../shared/corpus");
    const pool = CORPUS_TEXT_FILES.map(([file, encoding]) => iconv.decode(readFileSync(path.join(corpusDir, file)), encoding)).join("\n");

    const rows: string[] = [];
    for (const size of sizes) rows.push(await measureSize(context, pool, size));
    const recall = await measureRecall(context, corpusDir);

    return [
      `Indexing runs \`indexDocumentChunks()\` end to end: hashing embeddings (${new HashingEmbeddings().dimension} dimensions, the default), LangChain \`index()\` with`,
      "the SQLite record manager, and LanceDB writes. Queries run `searchChunks()` (embedding the query included),",
      `k = ${K}, ${QUERY_COUNT} queries after ${WARMUP_QUERIES} warm-up queries, with and without a run-id filter.`,
      "From 20,000 rows compaction builds an IVF_FLAT index and searches probe a quarter of its partitions; below that, searches scan every vector.",
      `The agreement column is the share of the top ${K} from the index that a flat scan also returns, over ${AGREEMENT_QUERIES} queries.`,
      "Table size is the LanceDB table folder after compaction; an IVF_FLAT index keeps a second copy of the vectors.",
      `Chunks are ${CHUNK_CHARS}-character windows of the corpus text files, ${CHUNKS_PER_CHAPTER} per chapter.`,
      "",
      "| chunks | index chunks/s | index time | re-index (all skipped) | compact | IVF index | agreement with flat scan | query p50 | query p99 | filtered p50 | filtered p99 | table size |",
      "|---|---:|---:|---:|---:|:---:|---:|---:|---:|---:|---:|---:|",
      ...rows,
      "",
      recall,
    ].join("\n");
  },
};

export default section;

function parseSizes(args: string[]): number[] {
  const flag = args.indexOf("--sizes");
  if (flag < 0) return DEFAULT_SIZES;
  const sizes = (args[flag + 1] ?? "").split(",").map(Number);
  if (sizes.length === 0 || sizes.some((size) => !Number.isInteger(size) || size <= 0)) {
    throw new Error(`invalid --sizes ${JSON.stringify(args[flag + 1])}; expected positive integers separated by commas`);
  }
  return sizes;
}

/** A seeded generator (mulberry32), so every run indexes and queries the same text. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function syntheticChunks(pool: string, count: number): IndexableChunk[] {
  const random = seededRandom(count);
  const chunks: IndexableChunk[] = [];
  for (let i = 0; i < count; i += 1) {
    const start = Math.floor(random() * (pool.length - CHUNK_CHARS));
    const chapterIndex = Math.floor(i / CHUNKS_PER_CHAPTER);
    chunks.push({
      id: `bench-${i}`,
      chapterIndex,
      chapterTitle: `Chapter ${chapterIndex + 1}`,
      chunkIndex: i % CHUNKS_PER_CHAPTER,
      start,
      end: start + CHUNK_CHARS,
      text: pool.slice(start, start + CHUNK_CHARS),
    });
  }
  return chunks;
}

function queriesFrom(pool: string): string[] {
  const random = seededRandom(7);
  const queries: string[] = [];
  while (queries.length < QUERY_COUNT + WARMUP_QUERIES) {
    const start = Math.floor(random() * (pool.length - 200));
    const query = pool.slice(start, start + 80 + Math.floor(random() * 120)).trim();
    if (query.length > 20) queries.push(query);
  }
  return queries;
}

async function measureSize(context: BenchContext, pool: string, size: number): Promise<string> {
  const embeddings = new HashingEmbeddings();
  const collection = collectionName(embeddings.modelId, embeddings.dimension);
  const directory = path.join(context.scratchDir, `size-${size}`);
  const store = new LocalVectorStore(embeddings, { directory, tableName: collection });
  const recordManager = new SqliteRecordManager(path.join(directory, "records.sqlite"), collection);
  await recordManager.createSchema();
  const chunks = syntheticChunks(pool, size);
  const input = { runId: `bench-${size}`, documentId: `bench-doc-${size}`, chunks, store, recordManager, collection };

  const indexStart = performance.now();
  const first = await indexDocumentChunks(input);
  const indexSeconds = (performance.now() - indexStart) / 1000;
  if (first.numAdded !== size) throw new Error(`indexed ${first.numAdded} of ${size} chunks`);

  const reindexStart = performance.now();
  const second = await indexDocumentChunks(input);
  const reindexSeconds = (performance.now() - reindexStart) / 1000;
  if (second.numSkipped !== size) throw new Error(`re-index skipped ${second.numSkipped} of ${size} chunks`);

  const compactStart = performance.now();
  await store.compact(new Date());
  const compactSeconds = (performance.now() - compactStart) / 1000;

  const hasIndex = await store.hasVectorIndex();
  const queries = queriesFrom(pool);
  const agreement = hasIndex ? await agreementWithFlatScan(store, embeddings, directory, collection, queries) : "–";
  const unfiltered = await queryLatencies(queries, (query) => searchChunks({ store, collection, query, k: K }));
  const filtered = await queryLatencies(queries, (query) => searchChunks({ store, collection, query, k: K, runId: input.runId }));
  const storeBytes = await directorySize(path.join(directory, `${collection}.lance`));

  recordManager.close();
  await store.close();
  process.stderr.write(`bench: ${size} chunks indexed in ${indexSeconds.toFixed(1)} s\n`);

  return [
    size.toLocaleString("en-US"),
    Math.round(size / indexSeconds).toLocaleString("en-US"),
    `${indexSeconds.toFixed(1)} s`,
    `${reindexSeconds.toFixed(1)} s`,
    `${compactSeconds.toFixed(1)} s`,
    hasIndex ? "yes" : "no",
    agreement,
    `${unfiltered.p50.toFixed(1)} ms`,
    `${unfiltered.p99.toFixed(1)} ms`,
    `${filtered.p50.toFixed(1)} ms`,
    `${filtered.p99.toFixed(1)} ms`,
    `${(storeBytes / 2 ** 20).toFixed(0)} MiB`,
  ]
    .join(" | ")
    .replace(/^/, "| ")
    .concat(" |");
}

/** Compares the store's indexed top K with LanceDB's exact flat scan of the same table. */
async function agreementWithFlatScan(
  store: LocalVectorStore,
  embeddings: HashingEmbeddings,
  directory: string,
  collection: string,
  queries: string[],
): Promise<string> {
  const connection = await lancedb.connect(directory);
  const table = await connection.openTable(collection);
  let shared = 0;
  for (const query of queries.slice(0, AGREEMENT_QUERIES)) {
    const vector = embeddings.embedText(query);
    const indexed = (await store.similaritySearchVectorWithScore(vector, K)).map(([document]) => document.id);
    const exact = (await table.vectorSearch(vector).distanceType("dot").bypassVectorIndex().select(["id", "_distance"]).limit(K).toArray()) as {
      id: string;
    }[];
    shared += exact.filter((row) => indexed.includes(row.id)).length;
  }
  table.close();
  connection.close();
  return (shared / (K * AGREEMENT_QUERIES)).toFixed(2);
}

async function queryLatencies(queries: string[], search: (query: string) => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (const query of queries.slice(0, WARMUP_QUERIES)) await search(query);
  const latencies: number[] = [];
  for (const query of queries.slice(WARMUP_QUERIES)) {
    const start = performance.now();
    await search(query);
    latencies.push(performance.now() - start);
  }
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}

function percentile(sorted: number[], fraction: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

async function directorySize(directory: string): Promise<number> {
  const { readdir, stat } = await import("node:fs/promises");
  let total = 0;
  for (const entry of await readdir(directory, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

async function measureRecall(context: BenchContext, corpusDir: string): Promise<string> {
  const books = loadCorpusBooks(corpusDir, CHUNK_CHARS);
  const lines = [
    `Recall@${K} of the offline embedder: each book is indexed in the local store (about ${CHUNK_CHARS}-character chunks),`,
    "and each hand-written query (one per chapter, a paraphrase rather than a sentence of the text, in `bench/recall-queries.ts`)",
    `counts as found when one of the top ${K} chunks of its book comes from its chapter. MRR uses the rank of the first such chunk.`,
    "The default dimension was chosen on this same set, so the figures for it are optimistic.",
    "",
    `| dimension | ${books.map((book) => `${book.id} (${book.chapters.length} chapters, ${book.chunks.length} chunks)`).join(" | ")} | all | MRR |`,
    `|---:|${books.map(() => "---:").join("|")}|---:|---:|`,
  ];
  for (const dimension of RECALL_DIMENSIONS) {
    lines.push(await recallAtDimension(context, books, dimension));
  }
  return lines.join("\n");
}

async function recallAtDimension(context: BenchContext, books: CorpusBook[], dimension: number): Promise<string> {
  const embeddings = new HashingEmbeddings({ dimension });
  const collection = collectionName(embeddings.modelId, embeddings.dimension);
  const directory = path.join(context.scratchDir, "recall");
  const store = new LocalVectorStore(embeddings, { directory, tableName: collection });
  const recordManager = new SqliteRecordManager(path.join(directory, "records.sqlite"), collection);
  await recordManager.createSchema();

  const cells: string[] = [];
  let found = 0;
  let total = 0;
  let reciprocalRanks = 0;
  for (const book of books) {
    const queries = RECALL_QUERIES.find((entry) => entry.bookId === book.id)?.queries ?? [];
    if (queries.length !== book.chapters.length) {
      throw new Error(`${book.id} has ${book.chapters.length} chapters but ${queries.length} queries; keep one query per chapter`);
    }
    await indexDocumentChunks({ runId: "recall", documentId: book.id, chunks: book.chunks, store, recordManager, collection });

    let bookFound = 0;
    for (const [chapterIndex, query] of queries.entries()) {
      const hits = await searchChunks({ store, collection, query, k: K, runId: "recall", documentId: book.id });
      const rank = hits.findIndex((hit) => hit.chapterIndex === chapterIndex);
      if (rank >= 0) {
        bookFound += 1;
        reciprocalRanks += 1 / (rank + 1);
      }
    }
    found += bookFound;
    total += queries.length;
    cells.push(`${(bookFound / queries.length).toFixed(2)} (${bookFound}/${queries.length})`);
  }

  recordManager.close();
  await store.close();
  return `| ${dimension} | ${cells.join(" | ")} | ${(found / total).toFixed(2)} (${found}/${total}) | ${(reciprocalRanks / total).toFixed(2)} |`;
}
