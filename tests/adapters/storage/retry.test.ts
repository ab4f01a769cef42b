import { describe, expect, it } from "vitest";
import { backoffDelayMs, classifyFailure, withRetry, type RetryContext } from "../../../src/adapters/storage/retry.js";
import { StorageError } from "../../../src/errors.js";

const POLICY = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 4 };

function httpError(status: number, name = "Error"): Error {
  return Object.assign(new Error(`status ${status}`), { name, $metadata: { httpStatusCode: status } });
}

function context(
  toStorageError: RetryContext["toStorageError"] = (error) => new StorageError("k", String(error)),
): RetryContext {
  return { operation: "put", bucket: "b", key: "k", policy: POLICY, toStorageError };
}

describe("classifyFailure", () => {
  it("5xx, 429 and 408 are transient", () => {
    for (const status of [500, 502, 503, 504, 429, 408]) {
      expect(classifyFailure(httpError(status)), String(status)).toBe("transient");
    }
  });

  it("403 and 404 are permanent", () => {
    expect(classifyFailure(httpError(403))).toBe("permanent");
    expect(classifyFailure(httpError(404))).toBe("permanent");
  });

  it("connection errors are transient", () => {
    for (const code of ["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT"]) {
      const error = Object.assign(new Error("socket"), { code });
      expect(classifyFailure(error), code).toBe("transient");
    }
  });

  it("connection error in cause is transient", () => {
    const cause = Object.assign(new Error("refused"), { code: "ECONNREFUSED" });
    expect(classifyFailure(new TypeError("fetch failed", { cause }))).toBe("transient");
  });

  it("throttling names are transient", () => {
    expect(classifyFailure(Object.assign(new Error("slow"), { name: "SlowDown" }))).toBe("transient");
  });

  it("GCS numeric code is read", () => {
    expect(classifyFailure(Object.assign(new Error("backend"), { code: 503 }))).toBe("transient");
    expect(classifyFailure(Object.assign(new Error("denied"), { code: 403 }))).toBe("permanent");
  });
});

describe("backoffDelayMs", () => {
  const policy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1_000 };

  it("doubles the cap each retry", () => {
    expect(backoffDelayMs(policy, 1, () => 0.999)).toBe(99);
    expect(backoffDelayMs(policy, 3, () => 0.999)).toBe(399);
  });

  it("never exceeds the maximum", () => {
    expect(backoffDelayMs(policy, 9, () => 0.999)).toBe(999);
  });

  it("full jitter reaches zero", () => {
    expect(backoffDelayMs(policy, 4, () => 0)).toBe(0);
  });
});

describe("withRetry", () => {
  it("retries transient failures until success", async () => {
    let calls = 0;
    const result = await withRetry(async () => {
      calls++;
      if (calls < 3) throw httpError(503);
      return "done";
    }, context());
    expect(result).toBe("done");
    expect(calls).toBe(3);
  });

  it("stops after max attempts", async () => {
    let calls = 0;
    const attempt = withRetry(async () => {
      calls++;
      throw httpError(500);
    }, context((_error, kind) => new StorageError("k", `gave up (${kind})`, { retryable: true })));
    await expect(attempt).rejects.toThrow("gave up (transient)");
    expect(calls).toBe(3);
  });

  it("permanent failure is not retried", async () => {
    let calls = 0;
    const attempt = withRetry(async () => {
      calls++;
      throw httpError(403);
    }, context((_error, kind) => new StorageError("k", `failed (${kind})`)));
    await expect(attempt).rejects.toThrow("failed (permanent)");
    expect(calls).toBe(1);
  });

  it("abort stops retrying", async () => {
    const controller = new AbortController();
    let calls = 0;
    const attempt = withRetry(
      async () => {
        calls++;
        controller.abort();
        throw httpError(503);
      },
      { ...context(), signal: controller.signal },
    );
    await expect(attempt).rejects.toThrow(/503/);
    expect(calls).toBe(1);
  });
});
