/**
 * The storage contract: one set of behaviours every `StorageAdapter` backend
 * must show. Each backend's test file calls `defineStorageContract` with a
 * factory that starts its server (if any) and returns the fixture below.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StorageAdapter } from "../../../src/adapters/storage/storage-adapter.js";
import { InvalidStorageKeyError, StorageConflictError, StorageError } from "../../../src/errors.js";

/** What a backend's test file provides to the contract. */
export interface StorageContractFixture {
  adapter: StorageAdapter;
  /** Scheme of canonical URLs, for example `s3:`. */
  urlScheme: string;
  /** Requests that wrote object content so far (remote backends). */
  countUploadRequests?: () => number;
  /** Multipart (S3) or resumable (GCS) upload sessions started so far. */
  countMultipartUploads?: () => number;
  /** Makes the server fail the next `count` requests with HTTP 503. */
  failNextRequests?: (count: number) => void;
  /** Requests the server failed with 503 so far. */
  countFailedRequests?: () => number;
  /** An adapter whose credentials the server rejects with 403, and its bucket. */
  denied?: { adapter: StorageAdapter; bucket: string };
  /** An adapter pointed at a bucket that does not exist. */
  missingBucket?: { adapter: StorageAdapter; bucket: string };
  close(): Promise<void>;
}

/** Which groups of tests apply to a backend. */
export interface StorageContractOptions {
  /** Remote backends also prove request counting, retries and permanent failures. */
  remote: boolean;
}

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

async function collect(iterable: AsyncIterable<{ key: string }>): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of iterable) keys.push(info.key);
  return keys;
}

/** Registers the contract tests for one backend under `describe(name)`. */
export function defineStorageContract(
  name: string,
  options: StorageContractOptions,
  createFixture: () => Promise<StorageContractFixture>,
): void {
  describe(`${name} storage contract`, () => {
    let fixture: StorageContractFixture;
    let adapter: StorageAdapter;
    let scratch: string;

    beforeAll(async () => {
      fixture = await createFixture();
      adapter = fixture.adapter;
      scratch = await mkdtemp(path.join(os.tmpdir(), "doc2video-contract-"));
    });

    afterAll(async () => {
      await fixture?.close();
      if (scratch) await rm(scratch, { recursive: true, force: true });
    });

    it("put buffer round trips", async () => {
      const body = Buffer.from("hello storage");
      const result = await adapter.put("buffer/hello.txt", body);
      expect(result.created).toBe(true);
      expect(result.sha256).toBe(sha256(body));
      expect(result.bytes).toBe(body.length);
      expect(result.key).toBe("buffer/hello.txt");
      expect(new URL(result.url).protocol).toBe(fixture.urlScheme);
      expect(await adapter.get("buffer/hello.txt")).toEqual(body);
    });

    it("put file path round trips", async () => {
      const source = path.join(scratch, "source.json");
      const body = Buffer.from(JSON.stringify({ scenes: [1, 2, 3] }));
      await writeFile(source, body);
      const result = await adapter.put("file/source.json", { path: source });
      expect(result.sha256).toBe(sha256(body));
      const destination = path.join(scratch, "nested", "copy.json");
      await adapter.download("file/source.json", destination);
      expect(await readFile(destination)).toEqual(body);
    });

    it("put stream round trips", async () => {
      const chunks = [Buffer.from("first "), Buffer.from("second "), Buffer.from("third")];
      const result = await adapter.put("stream/parts.txt", Readable.from(chunks));
      const expected = Buffer.concat(chunks);
      expect(result.bytes).toBe(expected.length);
      expect(result.sha256).toBe(sha256(expected));
      expect(await adapter.get("stream/parts.txt")).toEqual(expected);
    });

    it("head reports stored facts", async () => {
      const body = Buffer.from("{}");
      await adapter.put("head/meta.json", body, { metadata: { node: "writescript", title: "第一章 Über" } });
      const info = await adapter.head("head/meta.json");
      expect(info?.bytes).toBe(2);
      expect(info?.sha256).toBe(sha256(body));
      expect(info?.contentType).toBe("application/json");
      expect(info?.metadata.node).toBe("writescript");
      expect(info?.metadata.title).toBe("第一章 Über");
      expect(info?.url).toBe(adapter.url("head/meta.json"));
    });

    it("head and exists on missing key", async () => {
      expect(await adapter.head("head/missing.json")).toBeUndefined();
      expect(await adapter.exists("head/missing.json")).toBe(false);
      await adapter.put("head/present.txt", "x");
      expect(await adapter.exists("head/present.txt")).toBe(true);
    });

    it("get of missing key names the key", async () => {
      await expect(adapter.get("get/nothing-here.txt")).rejects.toThrow(StorageError);
      await expect(adapter.get("get/nothing-here.txt")).rejects.toThrow(/get\/nothing-here\.txt/);
    });

    it("content types follow the extension", async () => {
      const expected: Record<string, string> = {
        mp4: "video/mp4",
        wav: "audio/wav",
        mp3: "audio/mpeg",
        png: "image/png",
        jpeg: "image/jpeg",
        jpg: "image/jpeg",
        srt: "application/x-subrip",
        vtt: "text/vtt",
        json: "application/json",
      };
      for (const [extension, contentType] of Object.entries(expected)) {
        const result = await adapter.put(`types/sample.${extension}`, Buffer.from(extension));
        expect(result.contentType, extension).toBe(contentType);
        expect((await adapter.head(`types/sample.${extension}`))?.contentType, extension).toBe(contentType);
      }
    });

    it("same bytes again is a no-op", async () => {
      const body = Buffer.from("write once");
      await adapter.put("noop/once.txt", body);
      const uploadsBefore = fixture.countUploadRequests?.();
      const again = await adapter.put("noop/once.txt", Buffer.from("write once"));
      expect(again.created).toBe(false);
      expect(again.sha256).toBe(sha256(body));
      if (fixture.countUploadRequests) {
        expect(fixture.countUploadRequests()).toBe(uploadsBefore);
      }
    });

    it("different bytes conflict names the key", async () => {
      await adapter.put("conflict/a.txt", "original");
      const attempt = adapter.put("conflict/a.txt", "replacement");
      await expect(attempt).rejects.toThrow(StorageConflictError);
      await expect(adapter.put("conflict/a.txt", "replacement")).rejects.toThrow(/conflict\/a\.txt/);
      expect((await adapter.get("conflict/a.txt")).toString()).toBe("original");
    });

    it("hostile keys are rejected", async () => {
      for (const key of ["../x", "/abs", "a\u0000b", "", "a/../b", "a//b"]) {
        await expect(adapter.put(key, "x"), JSON.stringify(key)).rejects.toThrow(InvalidStorageKeyError);
        await expect(adapter.get(key), JSON.stringify(key)).rejects.toThrow(InvalidStorageKeyError);
      }
    });

    it("special and unicode keys round trip", async () => {
      const keys = [
        "unicode/with space.txt",
        "unicode/plus+sign.txt",
        "unicode/it's.txt",
        "unicode/literal%20percent.txt",
        "unicode/第一章 概述/场景-01.json",
        "unicode/mixed +'%20 第二章.srt",
      ];
      for (const key of keys) {
        const body = Buffer.from(`content of ${key}`);
        const result = await adapter.put(key, body);
        expect(result.key, key).toBe(key);
        expect(await adapter.get(key), key).toEqual(body);
        expect((await adapter.head(key))?.sha256, key).toBe(sha256(body));
      }
      expect(await collect(adapter.list("unicode/"))).toEqual([...keys].sort());
    });

    it("list pages through a prefix", async () => {
      const keys = Array.from({ length: 7 }, (_, index) => `listing/run-1/item-${index}.json`);
      for (const key of keys) await adapter.put(key, key);
      await adapter.put("listing/run-10/other.json", "other");
      await adapter.put("listing-elsewhere.json", "elsewhere");
      expect(await collect(adapter.list("listing/run-1/"))).toEqual(keys);
      expect(await collect(adapter.list("listing/"))).toHaveLength(8);
    });

    it("list of empty prefix returns nothing", async () => {
      expect(await collect(adapter.list("no-such-prefix/"))).toEqual([]);
    });

    it("delete removes the object", async () => {
      await adapter.put("delete/me.txt", "bye");
      await adapter.delete("delete/me.txt");
      expect(await adapter.exists("delete/me.txt")).toBe(false);
      await expect(adapter.delete("delete/me.txt")).resolves.toBeUndefined();
      const recreated = await adapter.put("delete/me.txt", "a new start");
      expect(recreated.created).toBe(true);
    });

    it("six megabyte file uploads in parts", async () => {
      const source = path.join(scratch, "large.mp4");
      const body = randomBytes(6 * 1024 * 1024);
      await writeFile(source, body);
      const multipartBefore = fixture.countMultipartUploads?.() ?? 0;
      const result = await adapter.put("large/video.mp4", { path: source });
      expect(result.bytes).toBe(body.length);
      expect(result.contentType).toBe("video/mp4");
      if (fixture.countMultipartUploads) {
        expect(fixture.countMultipartUploads()).toBeGreaterThan(multipartBefore);
      }
      const destination = path.join(scratch, "large-copy.mp4");
      await adapter.download("large/video.mp4", destination);
      expect((await stat(destination)).size).toBe(body.length);
      expect(sha256(await readFile(destination))).toBe(sha256(body));
      expect((await adapter.head("large/video.mp4"))?.sha256).toBe(sha256(body));
    });

    if (!options.remote) return;

    it("transient 503 is retried", async () => {
      fixture.failNextRequests!(2);
      const failedBefore = fixture.countFailedRequests!();
      const result = await adapter.put("retry/flaky.txt", "eventually");
      expect(result.created).toBe(true);
      expect(fixture.countFailedRequests!() - failedBefore).toBe(2);
      expect((await adapter.get("retry/flaky.txt")).toString()).toBe("eventually");
    });

    it("denied credentials fail fast", async () => {
      const { adapter: denied, bucket } = fixture.denied!;
      const started = Date.now();
      const attempt = denied.put("denied/x.txt", "x");
      await expect(attempt).rejects.toThrow(StorageError);
      const error = (await attempt.catch((caught: unknown) => caught)) as StorageError;
      expect(error.message).toContain(bucket);
      expect(error.message).toContain("denied/x.txt");
      expect(error.message).toMatch(/credentials/i);
      expect(error.retryable).toBe(false);
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it("missing bucket fails fast", async () => {
      const { adapter: missing, bucket } = fixture.missingBucket!;
      const attempt = missing.put("missing/x.txt", "x");
      const error = (await attempt.catch((caught: unknown) => caught)) as StorageError;
      expect(error).toBeInstanceOf(StorageError);
      expect(error.message).toContain(bucket);
      expect(error.message).toContain("missing/x.txt");
      expect(error.message).toMatch(/does not exist/);
      expect(error.retryable).toBe(false);
    });

    it("missing bucket is not a missing key", async () => {
      const { adapter: missing, bucket } = fixture.missingBucket!;
      await expect(missing.exists("missing/y.txt")).rejects.toThrow(bucket);
    });
  });
}
