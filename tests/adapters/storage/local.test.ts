import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { LocalStorageAdapter } from "../../../src/adapters/storage/local.js";
import { defineStorageContract } from "./storage-contract.js";

defineStorageContract("local", { remote: false }, async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), "doc2video-local-storage-"));
  return {
    adapter: new LocalStorageAdapter(root),
    urlScheme: "file:",
    close: () => rm(root, { recursive: true, force: true }),
  };
});
