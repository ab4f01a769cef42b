import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SqliteRecordManager } from "../../src/indexing/sqlite-record-manager.js";

const root = mkdtempSync(path.join(os.tmpdir(), "doc2video-records-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function open(namespace = "ns", file = path.join(root, "records.sqlite")): Promise<SqliteRecordManager> {
  const manager = new SqliteRecordManager(file, namespace);
  await manager.createSchema();
  return manager;
}

describe("SqliteRecordManager", () => {
  it("reports which keys exist", async () => {
    const manager = await open("exists");
    await manager.update(["a", "b"], { groupIds: ["g1", "g2"] });
    expect(await manager.exists(["a", "c", "b"])).toEqual([true, false, true]);
    manager.close();
  });

  it("returns strictly increasing times", async () => {
    const manager = await open("time");
    const times = [];
    for (let i = 0; i < 50; i += 1) times.push(await manager.getTime());
    for (let i = 1; i < times.length; i += 1) expect(times[i]).toBeGreaterThan(times[i - 1] as number);
    manager.close();
  });

  it("lists keys older than a time within groups", async () => {
    const manager = await open("list");
    await manager.update(["old-1", "old-2"], { groupIds: ["g1", "g2"] });
    const cutoff = await manager.getTime();
    await manager.update(["new-1"], { groupIds: ["g1"] });
    expect(await manager.listKeys({ before: cutoff, groupIds: ["g1"] })).toEqual(["old-1"]);
    expect(await manager.listKeys({ after: cutoff })).toEqual(["new-1"]);
    expect(await manager.listKeys({ limit: 1 })).toEqual(["old-1"]);
    manager.close();
  });

  it("keeps a key's group when updated without one", async () => {
    const manager = await open("keep-group");
    await manager.update(["a"], { groupIds: ["g1"] });
    await manager.update(["a"], {});
    expect(await manager.listKeys({ groupIds: ["g1"] })).toEqual(["a"]);
    manager.close();
  });

  it("rejects mismatched group ids", async () => {
    const manager = await open("mismatch");
    await expect(manager.update(["a", "b"], { groupIds: ["g1"] })).rejects.toThrow("got 1 group ids for 2 keys");
    manager.close();
  });

  it("deletes keys", async () => {
    const manager = await open("delete");
    await manager.update(["a", "b"], { groupIds: ["g", "g"] });
    await manager.deleteKeys(["a"]);
    expect(await manager.exists(["a", "b"])).toEqual([false, true]);
    manager.close();
  });

  it("separates namespaces in one file", async () => {
    const first = await open("one");
    const second = await open("two");
    await first.update(["shared-key"], { groupIds: ["g"] });
    expect(await second.exists(["shared-key"])).toEqual([false]);
    first.close();
    second.close();
  });

  it("lists group ids by prefix", async () => {
    const manager = await open("groups");
    await manager.update(["a", "b", "c"], { groupIds: ["run/doc#0", "run/doc#1", "run/other#0"] });
    expect(await manager.listGroupIds("run/doc#")).toEqual(["run/doc#0", "run/doc#1"]);
    manager.close();
  });

  it("handles more keys than one SQL statement binds", async () => {
    const manager = await open("many");
    const keys = Array.from({ length: 1200 }, (_, i) => `key-${i}`);
    await manager.update(keys, { groupIds: keys.map(() => "g") });
    expect((await manager.exists(keys)).every(Boolean)).toBe(true);
    await manager.deleteKeys(keys);
    expect(await manager.listKeys({})).toEqual([]);
    manager.close();
  });

  it("keeps records across a reopen", async () => {
    const file = path.join(root, "reopen.sqlite");
    const first = await open("reopen", file);
    await first.update(["a"], { groupIds: ["g"] });
    const before = await first.getTime();
    first.close();
    const second = await open("reopen", file);
    expect(await second.exists(["a"])).toEqual([true]);
    expect(await second.getTime()).toBeGreaterThan(before - 1);
    second.close();
  });
});
