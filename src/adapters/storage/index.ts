/**
 * `getStorageAdapter()`: the one way code obtains storage. The backend comes
 * from `STORAGE_PROVIDER` (through `AppConfig`); adapters are cached per
 * configuration so every node of a process shares one client.
 */
import { loadConfig, type AppConfig } from "../../config.js";
import { GcsStorageAdapter } from "./gcs.js";
import { LocalStorageAdapter } from "./local.js";
import { S3StorageAdapter } from "./s3.js";
import type { StorageAdapter } from "./storage-adapter.js";

const cache = new Map<string, StorageAdapter>();

/** Returns the storage adapter for `config` (default: configuration from the environment). */
export function getStorageAdapter(config: AppConfig = loadConfig()): StorageAdapter {
  const { provider } = config.storage;
  const cacheKey = JSON.stringify(config.storage);
  const cached = cache.get(cacheKey);
  if (cached) return cached;

  let adapter: StorageAdapter;
  switch (provider) {
    case "dummy":
    case "local":
      adapter = new LocalStorageAdapter(config.storage.localRoot);
      break;
    case "s3":
    case "minio":
      adapter = new S3StorageAdapter(config.storage.s3, {}, provider);
      break;
    case "gcs":
      adapter = new GcsStorageAdapter(config.storage.gcs);
      break;
    default: {
      const unknown: never = provider;
      throw new Error(`unknown STORAGE_PROVIDER ${String(unknown)}`);
    }
  }
  cache.set(cacheKey, adapter);
  return adapter;
}

export type { StorageAdapter } from "./storage-adapter.js";
