/**
 * Embedded, persistent vector store on LanceDB (pinned at 0.31.0), used
 * directly because LangChain's community LanceDB class ignores ids, has no
 * delete and returns no score. One LanceDB table per collection lives in a
 * folder under the workspace, so the index survives restarts.
 *
 * Chunk fields that searches filter on are stored as their own columns. The
 * whole metadata object also round-trips as JSON, so other LangChain code can
 * store any metadata it likes.
 */
import { mkdirSync } from "node:fs";
import * as lancedb from "@lancedb/lancedb";
import { VectorStore } from "@langchain/core/vectorstores";
import { Document, type DocumentInterface } from "@langchain/core/documents";
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { getLogger } from "../../logger.js";
import { idsForVectors } from "./vector-ids.js";

/** Options of `LocalVectorStore`. */
export interface LocalVectorStoreOptions {
  /** Folder of the LanceDB database; created when missing. */
  directory: string;
  /** Table name, one per embedding model and dimension. */
  tableName: string;
  /** Row count from which compaction builds an approximate (IVF) vector index; 20,000 by default. */
  vectorIndexMinRows?: number;
}

/**
 * A SQL predicate over the filter columns, the filter type of
 * `LocalVectorStore`: `run_id`, `document_id`, `chapter_index`,
 * `chapter_title`, `chunk_index`, `start_offset`, `end_offset`.
 */
export type LocalVectorFilter = string;

interface VectorRow extends Record<string, unknown> {
  id: string;
  vector: number[];
  text: string;
  metadata: string;
  run_id: string;
  document_id: string;
  chapter_index: number;
  chapter_title: string;
  chunk_index: number;
  start_offset: number;
  end_offset: number;
}

const RESULT_COLUMNS = ["id", "text", "metadata", "_distance"];
// Deleting by id list builds an `IN (...)` predicate; this keeps each one short.
const DELETE_BATCH_SIZE = 500;
// Every write adds a fragment; compacting after this many keeps scans fast.
const WRITES_BETWEEN_COMPACTIONS = 50;
// Compaction deletes table versions older than this. A reader in another
// process that still uses an older version would fail, and searches take
// well under a second, so a minute leaves a wide margin.
const VERSION_RETENTION_MS = 60_000;
// IVF_FLAT settings. Probing a quarter of 64 partitions cut search time at
// 100,000 x 1024 vectors about twenty-fold while returning nearly the flat
// scan's top 5; `pnpm bench vector-index` measures both.
const DEFAULT_VECTOR_INDEX_MIN_ROWS = 20_000;
const MAX_PARTITIONS = 64;
const ROWS_PER_PARTITION = 256;
const VECTOR_INDEX_PREFIX = "vector_ivf_flat_p";

const logger = getLogger("local-vector-store");

/** Persistent LanceDB vector store that honours ids, deletes by id and returns cosine similarity scores. */
export class LocalVectorStore extends VectorStore {
  declare FilterType: LocalVectorFilter;

  readonly directory: string;
  readonly tableName: string;
  private connection?: Promise<lancedb.Connection>;
  private table?: lancedb.Table;
  private writesSinceCompaction = 0;
  private readonly vectorIndexMinRows: number;
  /** Partitions probed per search: unknown until read from the table, `null` without an index. */
  private probes?: number | null;

  constructor(embeddings: EmbeddingsInterface, options: LocalVectorStoreOptions) {
    super(embeddings, {});
    this.directory = options.directory;
    this.tableName = options.tableName;
    this.vectorIndexMinRows = options.vectorIndexMinRows ?? DEFAULT_VECTOR_INDEX_MIN_ROWS;
  }

  _vectorstoreType(): string {
    return "lancedb-local";
  }

  /** Embeds and stores documents, replacing any stored under the same ids. */
  async addDocuments(documents: DocumentInterface[], options?: { ids?: string[] }): Promise<string[]> {
    const vectors = await this.embeddings.embedDocuments(documents.map((document) => document.pageContent));
    return this.addVectors(vectors, documents, options);
  }

  /** Stores precomputed vectors, replacing any stored under the same ids. */
  async addVectors(vectors: number[][], documents: DocumentInterface[], options?: { ids?: string[] }): Promise<string[]> {
    const ids = idsForVectors(vectors, documents, options);
    if (ids.length === 0) return ids;
    const rows = documents.map((document, i) => toRow(ids[i] as string, vectors[i] as number[], document));

    const table = await this.openTable();
    if (table) {
      // LanceDB has no primary key: an upsert is a delete of the ids followed by an append.
      await this.deleteIds(table, ids);
      await table.add(rows);
      await this.countWrite(table, 2);
    } else {
      const created = await this.createTable(rows);
      if (this.table && this.table !== created) created.close();
      else this.table = created;
    }
    return ids;
  }

  /** Deletes vectors by id, or every row matching `filter`; ids that are not stored are ignored. */
  override async delete(params: { ids?: string[]; filter?: LocalVectorFilter } = {}): Promise<void> {
    const table = await this.openTable();
    if (!table) return;
    if (params.ids) {
      await this.deleteIds(table, params.ids);
    } else if (params.filter) {
      await table.delete(params.filter);
    } else {
      throw new TypeError("LocalVectorStore.delete needs { ids } or { filter }");
    }
    await this.countWrite(table, 1);
  }

  /** Returns the `k` stored documents nearest to `query`, best first, scored by cosine similarity. */
  async similaritySearchVectorWithScore(
    query: number[],
    k: number,
    filter?: LocalVectorFilter,
  ): Promise<[DocumentInterface, number][]> {
    const table = await this.openTable();
    if (!table) return [];

    // Stored vectors are unit length, so dot product equals cosine similarity.
    // LanceDB 0.31.0's flat dot scan took about a quarter of the time of its
    // cosine scan (10,000 x 384 vectors, 2 cores, measured once).
    let search = table.vectorSearch(unitVector(query)).distanceType("dot").select(RESULT_COLUMNS).limit(k);
    if (filter) search = search.where(filter);
    const probes = await this.readProbes(table);
    if (probes !== null) search = search.nprobes(probes);
    const rows = (await search.toArray()) as { id: string; text: string; metadata: string; _distance: number }[];

    return rows.map((row) => [
      new Document({ id: row.id, pageContent: row.text, metadata: JSON.parse(row.metadata) as Record<string, unknown> }),
      // LanceDB's dot distance is 1 - dot product.
      1 - row._distance,
    ]);
  }

  /** Counts stored vectors, optionally only those matching `filter`. */
  async count(filter?: LocalVectorFilter): Promise<number> {
    const table = await this.openTable();
    if (!table) return 0;
    return table.countRows(filter);
  }

  /**
   * Merges small fragments into large ones, adds new rows to the vector
   * index (building one once the table reaches `vectorIndexMinRows`), and
   * deletes table versions older than `cleanupOlderThan` (default: one
   * minute ago) to free disk space.
   */
  async compact(cleanupOlderThan = new Date(Date.now() - VERSION_RETENTION_MS)): Promise<void> {
    const table = await this.openTable();
    if (!table) return;
    await this.optimize(table, cleanupOlderThan);
  }

  /** Returns whether the table has an approximate vector index. */
  async hasVectorIndex(): Promise<boolean> {
    const table = await this.openTable();
    return table !== undefined && (await this.readProbes(table)) !== null;
  }

  /** Closes the table and the connection; the store reopens them on next use. */
  async close(): Promise<void> {
    this.table?.close();
    this.table = undefined;
    this.probes = undefined;
    const connection = await this.connection;
    connection?.close();
    this.connection = undefined;
  }

  private async connect(): Promise<lancedb.Connection> {
    this.connection ??= (async () => {
      mkdirSync(this.directory, { recursive: true });
      return lancedb.connect(this.directory);
    })();
    return this.connection;
  }

  private async openTable(): Promise<lancedb.Table | undefined> {
    if (this.table) return this.table;
    const connection = await this.connect();
    const names = await connection.tableNames();
    if (!names.includes(this.tableName)) return undefined;
    const table = await connection.openTable(this.tableName);
    // Parallel searches (chapters are written concurrently) may open the table twice; keep one handle.
    if (this.table) {
      table.close();
      return this.table;
    }
    this.table = table;
    return table;
  }

  private async createTable(rows: VectorRow[]): Promise<lancedb.Table> {
    const connection = await this.connect();
    // The first row fixes the schema. With existOk, a table another writer
    // created meanwhile is opened instead, so the rows are upserted either way.
    const table = await connection.createTable(this.tableName, rows.slice(0, 1), { existOk: true });
    await this.deleteIds(table, rows.map((row) => row.id));
    await table.add(rows);
    logger.debug({ table: this.tableName, rows: rows.length }, "created vector table");
    return table;
  }

  private async deleteIds(table: lancedb.Table, ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += DELETE_BATCH_SIZE) {
      const batch = ids.slice(i, i + DELETE_BATCH_SIZE);
      await table.delete(`id IN (${batch.map(sqlString).join(", ")})`);
    }
  }

  private async countWrite(table: lancedb.Table, writes: number): Promise<void> {
    this.writesSinceCompaction += writes;
    if (this.writesSinceCompaction < WRITES_BETWEEN_COMPACTIONS) return;
    await this.optimize(table, new Date(Date.now() - VERSION_RETENTION_MS));
  }

  private async optimize(table: lancedb.Table, cleanupOlderThan: Date): Promise<void> {
    this.writesSinceCompaction = 0;
    await table.optimize({ cleanupOlderThan });
    if ((await this.readProbes(table)) !== null) return;

    const rows = await table.countRows();
    if (rows < this.vectorIndexMinRows) return;
    // A quarter of the partitions is probed: the share of rows each search scans.
    const partitions = Math.max(1, Math.min(MAX_PARTITIONS, Math.floor(rows / ROWS_PER_PARTITION)));
    await table.createIndex("vector", {
      config: lancedb.Index.ivfFlat({ distanceType: "dot", numPartitions: partitions }),
      name: `${VECTOR_INDEX_PREFIX}${partitions}`,
    });
    this.probes = Math.ceil(partitions / 4);
    logger.info({ table: this.tableName, rows, partitions }, "built vector index");
  }

  private async readProbes(table: lancedb.Table): Promise<number | null> {
    if (this.probes !== undefined) return this.probes;
    const index = (await table.listIndices()).find((candidate) => candidate.name.startsWith(VECTOR_INDEX_PREFIX));
    const partitions = index ? Number(index.name.slice(VECTOR_INDEX_PREFIX.length)) : Number.NaN;
    this.probes = Number.isInteger(partitions) && partitions > 0 ? Math.ceil(partitions / 4) : null;
    return this.probes;
  }
}

/** Quotes `value` as a SQL string literal for LanceDB filters. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function toRow(id: string, vector: number[], document: DocumentInterface): VectorRow {
  const metadata = document.metadata as Record<string, unknown>;
  // Columns cannot hold nulls that the schema inferred from the first row does
  // not expect, so missing fields become "" or -1.
  return {
    id,
    vector: unitVector(vector),
    text: document.pageContent,
    metadata: JSON.stringify(metadata),
    run_id: stringField(metadata.runId),
    document_id: stringField(metadata.documentId),
    chapter_index: numberField(metadata.chapterIndex),
    chapter_title: stringField(metadata.chapterTitle),
    chunk_index: numberField(metadata.chunkIndex),
    start_offset: numberField(metadata.start),
    end_offset: numberField(metadata.end),
  };
}

/** Scales `vector` to length 1; a zero vector stays zero and scores 0 against everything. */
function unitVector(vector: number[]): number[] {
  let sumOfSquares = 0;
  for (const value of vector) sumOfSquares += value * value;
  if (sumOfSquares === 0 || Math.abs(sumOfSquares - 1) < 1e-9) return vector;
  const norm = Math.sqrt(sumOfSquares);
  return vector.map((value) => value / norm);
}

function stringField(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function numberField(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : -1;
}
