/**
 * Removes secrets from anything written to the call archive: values under
 * secret-looking keys (`apiKey`, `authorization`, `password`, ...), strings
 * shaped like well-known credentials wherever they appear (a prompt may
 * quote a key), and any exact secret values the caller names.
 */

/** The placeholder that replaces a removed secret. */
export const REDACTED = "[redacted]";

// Names that end in a credential word (`apiKey`, `access_token`, `clientSecret`,
// `Authorization`, `private_key_id`); `keywords` or `keyFilename` do not match.
const SECRET_KEY_NAME = /(key|keys|key[-_]?id|token|secret|password|passwd|authorization|credentials?|cookie)$/i;

// Token counts and limits are usage data, not credentials, so they stay.
const TOKEN_COUNT_NAME =
  /^(max|min|prompt|completion|total|input|output|reasoning|cached|num|estimated)[-_]?(new[-_]?)?tokens?$/i;

/** Credential shapes: OpenAI, AWS access key ids, Google API keys, GitHub and Slack tokens, JWTs, bearer headers and PEM private keys. */
const SECRET_VALUE_PATTERNS: RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{8,}/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /\bAIza[0-9A-Za-z_-]{30,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
];

/** Returns true when a property name suggests its value is a credential. */
export function isSecretKeyName(name: string): boolean {
  return SECRET_KEY_NAME.test(name) && !TOKEN_COUNT_NAME.test(name);
}

/** Replaces credential-shaped substrings and the given exact secrets in one string. */
export function redactString(text: string, knownSecrets: readonly string[] = []): string {
  let result = text;
  for (const secret of knownSecrets) {
    // Very short values would blank out ordinary words, so only real secrets are matched.
    if (secret.length >= 6) result = result.split(secret).join(REDACTED);
  }
  for (const pattern of SECRET_VALUE_PATTERNS) result = result.replace(pattern, REDACTED);
  return result;
}

/** Options of `redactSecrets`. */
export interface RedactionOptions {
  /** Exact secret values to remove wherever they appear, such as the configured API key. */
  knownSecrets?: readonly string[];
  /**
   * Also replace every value under a secret-looking property name. Meant for
   * model parameters; prompts and outputs keep their fields and are only
   * scanned for credential-shaped strings.
   */
  byPropertyName?: boolean;
}

/**
 * Returns a JSON-safe deep copy of `value` with secrets replaced by
 * `[redacted]`. Functions, symbols and class instances other than plain
 * objects, arrays and errors are dropped, so clients and sockets never leak in.
 */
export function redactSecrets(value: unknown, options: RedactionOptions = {}, seen = new WeakSet<object>()): unknown {
  const knownSecrets = options.knownSecrets ?? [];
  if (typeof value === "string") return redactString(value, knownSecrets);
  if (value === null || typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "bigint") return value.toString();
  if (typeof value !== "object") return undefined;
  if (seen.has(value)) return "[circular]";
  seen.add(value);

  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, options, seen) ?? null);
  if (value instanceof Error) {
    return { name: value.name, message: redactString(value.message, knownSecrets) };
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return undefined;

  const copy: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value)) {
    if (options.byPropertyName && isSecretKeyName(name) && item !== null && item !== undefined) {
      // A secret-named object (credentials, headers) is replaced whole rather than walked.
      copy[name] = REDACTED;
      continue;
    }
    const redacted = redactSecrets(item, options, seen);
    if (redacted !== undefined) copy[name] = redacted;
  }
  return copy;
}
