/**
 * Local-folder storage (`STORAGE_PROVIDER=dummy` or `local`): objects are
 * files under the root, metadata sits in a sidecar JSON file beside each,
 * and URLs are `file://` URLs.
 */
import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { copyFile, link, mkdir, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { pipeline } from "node:stream/promises";
import { createWriteStream } from "node:fs";
import { StorageConflictError, StorageError } from "../../errors.js";
import { prepareBody, sha256OfFile } from "./body.js";
import { contentTypeFor } from "./content-type.js";
import { assertSafeKey } from "./keys.js";
import type {
  PutBody,
  PutOptions,
  PutResult,
  StorageAdapter,
  StoredObjectInfo,
} from "./storage-adapter.js";

/** Folder under the root that contains sidecar metadata; keys may not start with it. */
const META_DIR = ".meta";

interface Sidecar {
  sha256: string;
  bytes: number;
  contentType: string;
  metadata: Record<string, string>;
}

/** Storage in a local folder. */
export class LocalStorageAdapter implements StorageAdapter {
  readonly provider = "local" as const;

  constructor(readonly root: string) {}

  private objectPath(key: string): string {
    assertSafeKey(key);
    if (key === META_DIR || key.startsWith(`${META_DIR}/`)) {
      throw new StorageError(key, `storage key ${key} uses the reserved folder ${META_DIR}/`);
    }
    return path.join(this.root, ...key.split("/"));
  }

  private sidecarPath(key: string): string {
    return path.join(this.root, META_DIR, ...key.split("/")) + ".json";
  }

  url(key: string): string {
    return pathToFileURL(this.objectPath(key)).href;
  }

  async signedUrl(key: string): Promise<string> {
    // A file URL needs no signature; it is only readable on this machine.
    return this.url(key);
  }

  async put(key: string, body: PutBody, options: PutOptions = {}): Promise<PutResult> {
    const target = this.objectPath(key);
    const prepared = await prepareBody(body, options.signal);
    try {
      const contentType = options.contentType ?? contentTypeFor(key);
      const sidecar: Sidecar = {
        sha256: prepared.sha256,
        bytes: prepared.bytes,
        contentType,
        metadata: { ...options.metadata, sha256: prepared.sha256 },
      };
      await mkdir(path.dirname(target), { recursive: true });
      const temporary = `${target}.${randomUUID()}.partial`;
      if (prepared.kind === "buffer") {
        await writeFile(temporary, prepared.buffer, { signal: options.signal });
      } else {
        await copyFile(prepared.path, temporary);
      }
      try {
        // link() fails with EEXIST when the key exists, which makes the
        // create atomic: a concurrent or repeated writer never clobbers it.
        await link(temporary, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
          throw new StorageError(key, `failed to write ${target}: ${(error as Error).message}`, { cause: error });
        }
        const existing = await this.head(key);
        const existingSha = existing?.sha256 ?? (await sha256OfFile(target));
        if (existingSha !== prepared.sha256) {
          throw new StorageConflictError(key, existingSha, prepared.sha256);
        }
        return { ...(existing ?? (await this.describe(key, sidecar))), created: false };
      } finally {
        await rm(temporary, { force: true });
      }
      // NOTE: a kill between the link above and this write leaves the object
      // without its metadata. `head` then rebuilds the hash but not the caller's
      // metadata (the input hash), so the stage that wrote it does its work once more.
      await this.writeSidecar(key, sidecar);
      return { ...(await this.describe(key, sidecar)), created: true };
    } finally {
      if (prepared.kind === "file") await prepared.cleanup();
    }
  }

  private async writeSidecar(key: string, sidecar: Sidecar): Promise<void> {
    const sidecarFile = this.sidecarPath(key);
    await mkdir(path.dirname(sidecarFile), { recursive: true });
    await writeFile(sidecarFile, JSON.stringify(sidecar));
  }

  private async describe(key: string, sidecar: Sidecar): Promise<StoredObjectInfo> {
    return {
      key,
      url: this.url(key),
      bytes: sidecar.bytes,
      contentType: sidecar.contentType,
      sha256: sidecar.sha256,
      metadata: sidecar.metadata,
    };
  }

  async head(key: string): Promise<StoredObjectInfo | undefined> {
    const target = this.objectPath(key);
    let size: number;
    try {
      size = (await stat(target)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new StorageError(key, `failed to stat ${target}: ${(error as Error).message}`, { cause: error });
    }
    let sidecar: Sidecar | undefined;
    try {
      sidecar = JSON.parse(await readFile(this.sidecarPath(key), "utf8")) as Sidecar;
    } catch {
      // A process killed between the link and the sidecar write leaves no
      // sidecar; rebuild it from the file itself.
      const sha256 = await sha256OfFile(target);
      sidecar = { sha256, bytes: size, contentType: contentTypeFor(key), metadata: { sha256 } };
      await this.writeSidecar(key, sidecar);
    }
    return this.describe(key, { ...sidecar, bytes: size });
  }

  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== undefined;
  }

  async get(key: string): Promise<Buffer> {
    // Checked outside the try, so an invalid key surfaces as InvalidStorageKeyError, not a read failure.
    const target = this.objectPath(key);
    try {
      return await readFile(target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        throw new StorageError(key, `storage key ${key} not found under ${this.root}`, { cause: error });
      }
      throw new StorageError(key, `failed to read ${key}: ${(error as Error).message}`, { cause: error });
    }
  }

  async download(key: string, destinationPath: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    const source = this.objectPath(key);
    await mkdir(path.dirname(destinationPath), { recursive: true });
    try {
      await pipeline(createReadStream(source), createWriteStream(destinationPath), { signal: options.signal });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        throw new StorageError(key, `storage key ${key} not found under ${this.root}`, { cause: error });
      }
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<StoredObjectInfo> {
    const keys: string[] = [];
    const walk = async (folder: string, relative: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(folder, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
        throw error;
      }
      for (const entry of entries) {
        const childKey = relative ? `${relative}/${entry.name}` : entry.name;
        if (!relative && entry.name === META_DIR) continue;
        if (entry.isDirectory()) {
          if (prefix.startsWith(childKey + "/") || childKey.startsWith(prefix) || prefix === "") {
            await walk(path.join(folder, entry.name), childKey);
          }
        } else if (entry.isFile() && childKey.startsWith(prefix) && !entry.name.endsWith(".partial")) {
          keys.push(childKey);
        }
      }
    };
    await walk(this.root, "");
    keys.sort();
    for (const key of keys) {
      const info = await this.head(key);
      if (info) yield info;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.objectPath(key), { force: true });
    await rm(this.sidecarPath(key), { force: true });
  }
}
