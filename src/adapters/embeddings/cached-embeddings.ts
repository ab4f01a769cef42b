/**
 * A persistent embeddings cache in front of a remote provider. LangChain's
 * `index()` re-adds a chunk whenever its metadata changes (a new run of the
 * same document, or offsets moved by an edit in an earlier chapter), and the
 * cache turns those re-adds into SQLite reads instead of paid API calls.
 */
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { Embeddings, type EmbeddingsInterface } from "@langchain/core/embeddings";

/** Embeddings that look each document text up in a SQLite cache before calling `inner`. */
export class CachedEmbeddings extends Embeddings {
  private readonly db: Database.Database;

  /**
   * Opens (or creates) the cache at `filePath`; `modelId` keeps vectors of
   * different models apart in one file.
   */
  constructor(
    readonly inner: EmbeddingsInterface,
    readonly modelId: string,
    filePath: string,
  ) {
    super({});
    if (filePath !== ":memory:") mkdirSync(path.dirname(filePath), { recursive: true });
    this.db = new Database(filePath);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("busy_timeout = 5000");
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS embedding_cache (
        model_id TEXT NOT NULL,
        text_sha256 TEXT NOT NULL,
        vector BLOB NOT NULL,
        PRIMARY KEY (model_id, text_sha256)
      )
    `);
  }

  /** Embeds the texts not cached yet with `inner`, stores them, and returns every vector in input order. */
  async embedDocuments(texts: string[]): Promise<number[][]> {
    const keys = texts.map(sha256);
    const select = this.db.prepare("SELECT vector FROM embedding_cache WHERE model_id = ? AND text_sha256 = ?");
    const vectors: (number[] | undefined)[] = keys.map((key) => {
      const row = select.get(this.modelId, key) as { vector: Buffer } | undefined;
      return row ? fromBlob(row.vector) : undefined;
    });

    // Duplicate texts in one call are embedded once.
    const missing = [...new Set(keys.filter((_, i) => vectors[i] === undefined))];
    if (missing.length > 0) {
      const missingTexts = missing.map((key) => texts[keys.indexOf(key)] as string);
      const embedded = await this.inner.embedDocuments(missingTexts);
      const insert = this.db.prepare(
        "INSERT OR REPLACE INTO embedding_cache (model_id, text_sha256, vector) VALUES (?, ?, ?)",
      );
      const byKey = new Map<string, number[]>();
      this.db.transaction(() => {
        missing.forEach((key, i) => {
          const vector = embedded[i] as number[];
          byKey.set(key, vector);
          insert.run(this.modelId, key, toBlob(vector));
        });
      })();
      keys.forEach((key, i) => {
        vectors[i] ??= byKey.get(key);
      });
    }
    return vectors as number[][];
  }

  /** Embeds a query with `inner`; queries are rarely repeated, so they are not cached. */
  async embedQuery(text: string): Promise<number[]> {
    return this.inner.embedQuery(text);
  }

  /** Closes the cache file. */
  close(): void {
    this.db.close();
  }
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

// Vectors are stored as float64 so a cached vector equals the one the provider returned.
function toBlob(vector: number[]): Buffer {
  return Buffer.from(new Float64Array(vector).buffer);
}

function fromBlob(blob: Buffer): number[] {
  // The copy gives an 8-byte aligned buffer; the blob may sit at any offset of a shared one.
  return Array.from(new Float64Array(Uint8Array.from(blob).buffer));
}
