import { describe, expect, it } from "vitest";
import { REDACTED, isSecretKeyName, redactSecrets, redactString } from "../../src/archive/redact-secrets.js";

describe("redactSecrets", () => {
  it("secret property names are redacted", () => {
    const params = {
      apiKey: "abc",
      openAIApiKey: "abc",
      api_key: "abc",
      Authorization: "Basic xyz",
      password: "hunter2",
      client_secret: "s",
      access_token: "t",
      credentials: { client_email: "a@b", private_key: "k" },
    };
    const redacted = redactSecrets(params, { byPropertyName: true }) as Record<string, unknown>;
    for (const name of Object.keys(params)) {
      expect(redacted[name], name).toBe(REDACTED);
    }
  });

  it("token counts and ordinary names stay", () => {
    const params = { maxTokens: 512, max_tokens: 512, max_completion_tokens: 64, keywords: ["a"], keyFilename: "/x", model: "m" };
    expect(redactSecrets(params, { byPropertyName: true })).toEqual(params);
  });

  it("property names are kept without the option", () => {
    expect(redactSecrets({ primaryKey: "chapter-1" })).toEqual({ primaryKey: "chapter-1" });
  });

  it("credential-shaped strings are removed anywhere", () => {
    const samples = [
      "sk-proj-abcdefghijklmnop",
      "AKIAABCDEFGHIJKLMNOP",
      "AIzaSyA1234567890abcdefghijklmnopqrstu",
      "ghp_abcdefghijklmnopqrstuvwxyz",
      "Bearer abcdefghijk.lmnop",
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
      "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----",
    ];
    for (const sample of samples) {
      const redacted = redactSecrets({ messages: [{ content: `before ${sample} after` }] });
      expect(JSON.stringify(redacted), sample).not.toContain(sample);
      expect(JSON.stringify(redacted), sample).toContain("before [redacted] after");
    }
  });

  it("known secrets are removed", () => {
    expect(redactString("key=plainsecretvalue;", ["plainsecretvalue"])).toBe("key=[redacted];");
  });

  it("short known secrets are ignored", () => {
    expect(redactString("the cat sat", ["cat"])).toBe("the cat sat");
  });

  it("class instances and functions are dropped", () => {
    class Client {
      apiKey = "sk-live-abcdefghijklmnop";
    }
    expect(redactSecrets({ client: new Client(), callback: () => 1, model: "m" })).toEqual({ model: "m" });
  });

  it("errors keep name and redacted message", () => {
    const error = new TypeError("failed with sk-abcdefghijklmnop");
    expect(redactSecrets({ error })).toEqual({ error: { name: "TypeError", message: "failed with [redacted]" } });
  });

  it("circular references terminate", () => {
    const loop: Record<string, unknown> = { name: "loop" };
    loop.self = loop;
    expect(redactSecrets(loop)).toEqual({ name: "loop", self: "[circular]" });
  });

  it("isSecretKeyName spots suffixes", () => {
    expect(isSecretKeyName("sessionToken")).toBe(true);
    expect(isSecretKeyName("totalTokens")).toBe(false);
  });
});
