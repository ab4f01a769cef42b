/**
 * Maps caller keys to object names in a bucket under the configured key
 * prefix, and back. Callers only ever see their own keys; URLs and requests
 * use the full object name.
 */
import { ConfigError, InvalidStorageKeyError } from "../../errors.js";
import { assertSafeKey } from "./keys.js";

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** Joins keys onto a bucket's key prefix and strips it from listed names. */
export class ObjectNamer {
  /** The prefix with surrounding slashes removed; empty when objects sit at the bucket root. */
  readonly prefix: string;

  constructor(prefix: string, settingName: string) {
    const trimmed = prefix.replace(/^\/+|\/+$/g, "");
    if (trimmed !== "") {
      try {
        assertSafeKey(trimmed);
      } catch (error) {
        throw new ConfigError(`invalid ${settingName}=${JSON.stringify(prefix)}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
    this.prefix = trimmed;
  }

  /** Returns the object name of a checked key. */
  objectName(key: string): string {
    assertSafeKey(key);
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  /** Returns the object-name prefix to list for a key prefix such as `runs/r1/` or `""`. */
  listPrefix(keyPrefix: string): string {
    if (CONTROL_CHARACTERS.test(keyPrefix)) {
      throw new InvalidStorageKeyError(keyPrefix, "the prefix contains a control character");
    }
    if (keyPrefix.startsWith("/")) throw new InvalidStorageKeyError(keyPrefix, "the prefix is an absolute path");
    if (keyPrefix.split("/").some((segment) => segment === "..")) {
      throw new InvalidStorageKeyError(keyPrefix, 'the prefix has a ".." segment');
    }
    return this.prefix ? `${this.prefix}/${keyPrefix}` : keyPrefix;
  }

  /** Returns the caller key of a listed object name, or `undefined` when it lies outside the prefix. */
  keyOf(objectName: string): string | undefined {
    if (!this.prefix) return objectName;
    return objectName.startsWith(`${this.prefix}/`) ? objectName.slice(this.prefix.length + 1) : undefined;
  }
}

/** Percent-encodes each `/`-separated segment, for https URLs of an object name. */
export function encodeObjectPath(objectName: string): string {
  return objectName.split("/").map(encodeURIComponent).join("/");
}
