/** A storage adapter that forwards every call to another one; wrappers override what they change. */
import type { StorageProviderName } from "../config.js";
import type {
  PutBody,
  PutOptions,
  PutResult,
  SignedUrlOptions,
  StorageAdapter,
  StoredObjectInfo,
} from "../adapters/storage/storage-adapter.js";

/** Forwards to `inner`. */
export class ForwardingStorage implements StorageAdapter {
  constructor(readonly inner: StorageAdapter) {}

  get provider(): StorageProviderName {
    return this.inner.provider;
  }

  put(key: string, body: PutBody, options?: PutOptions): Promise<PutResult> {
    return this.inner.put(key, body, options);
  }

  get(key: string, options?: { signal?: AbortSignal }): Promise<Buffer> {
    return this.inner.get(key, options);
  }

  download(key: string, destinationPath: string, options?: { signal?: AbortSignal }): Promise<void> {
    return this.inner.download(key, destinationPath, options);
  }

  head(key: string): Promise<StoredObjectInfo | undefined> {
    return this.inner.head(key);
  }

  exists(key: string): Promise<boolean> {
    return this.inner.exists(key);
  }

  url(key: string): string {
    return this.inner.url(key);
  }

  signedUrl(key: string, options?: SignedUrlOptions): Promise<string> {
    return this.inner.signedUrl(key, options);
  }

  list(prefix: string): AsyncIterable<StoredObjectInfo> {
    return this.inner.list(prefix);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
}
