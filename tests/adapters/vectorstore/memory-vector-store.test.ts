import { InMemoryVectorStore } from "../../../src/adapters/vectorstore/memory-vector-store.js";
import { SqliteRecordManager } from "../../../src/indexing/sqlite-record-manager.js";
import { describeChunkIndexContract } from "../../indexing/chunk-index-contract.js";

describeChunkIndexContract("memory", async (embeddings) => {
  const store = new InMemoryVectorStore(embeddings);
  const recordManager = new SqliteRecordManager(":memory:", "memory-test");
  await recordManager.createSchema();
  return {
    store,
    recordManager,
    collection: "memory-test",
    embeddings,
    countVectors: async () => store.size,
    close: async () => recordManager.close(),
  };
});
