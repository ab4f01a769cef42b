import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { describe, expect, it } from "vitest";

// Values that upstream checkpointers have lost or altered in the past:
// `false`, zero, empty strings and arrays, nested objects and dates.
const tricky = {
  flag: false,
  zero: 0,
  empty: "",
  list: [] as string[],
  nested: { inner: { deeper: [0, false, "", null] }, present: true },
  date: "2026-12-04T20:05:00.000Z",
};

const State = Annotation.Root({
  value: Annotation<typeof tricky | undefined>(),
  step: Annotation<number>(),
});

function buildGraph() {
  return new StateGraph(State)
    .addNode("store", () => ({ value: tricky, step: 1 }))
    .addNode("check", (state) => ({ step: state.value?.flag === false ? 2 : -1 }))
    .addEdge(START, "store")
    .addEdge("store", "check")
    .addEdge("check", END);
}

describe("SQLite checkpoint round trip", () => {
  it("keeps falsy and nested values across a new connection", async () => {
    const databasePath = path.join(mkdtempSync(path.join(os.tmpdir(), "doc2video-roundtrip-")), "db.sqlite");
    const config = { configurable: { thread_id: "round-trip" } };
    await buildGraph().compile({ checkpointer: SqliteSaver.fromConnString(databasePath) }).invoke({ step: 0 }, config);

    const reopened = buildGraph().compile({ checkpointer: SqliteSaver.fromConnString(databasePath) });
    const state = await reopened.getState(config);
    expect(state.values.value).toEqual(tricky);
    expect(state.values.value.flag).toBe(false);
    expect(state.values.value.zero).toBe(0);
    expect(state.values.value.empty).toBe("");
    expect(state.values.value.list).toEqual([]);
    expect(state.values.step).toBe(2);
  });

  it("keeps falsy values in every intermediate checkpoint", async () => {
    const databasePath = path.join(mkdtempSync(path.join(os.tmpdir(), "doc2video-roundtrip-")), "db.sqlite");
    const config = { configurable: { thread_id: "history" } };
    const graph = buildGraph().compile({ checkpointer: SqliteSaver.fromConnString(databasePath) });
    await graph.invoke({ step: 0 }, config);
    const withValue = [];
    for await (const snapshot of graph.getStateHistory(config)) {
      if (snapshot.values.value !== undefined) withValue.push(snapshot.values.value);
    }
    expect(withValue.length).toBeGreaterThanOrEqual(2);
    for (const value of withValue) expect(value).toEqual(tricky);
  });
});
