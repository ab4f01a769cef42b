/** `show <run id>`: status, per-stage time, chapters and artifact URLs of one run. */
import type { Command } from "commander";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { buildDoc2VideoGraph } from "../../graphs/doc2video.js";
import { RunError } from "../errors.js";
import { CallLedger, type ProviderCallSummary } from "../runs/call-ledger.js";
import { RunRegistry, type NodeRunRecord } from "../runs/run-registry.js";
import type { RunStateType } from "../state.js";
import { workspacePaths } from "../workspace.js";
import { displayLocation, formatDuration, runRecordJson } from "./format.js";
import { configFromFlags, jsonRequested, type GlobalFlags } from "./run-command.js";
import { requireExistingWorkspace } from "./existing-workspace.js";

/** Per-node totals: executions, failures and time spent. */
export function summariseNodeRuns(nodeRuns: NodeRunRecord[]) {
  const totals = new Map<string, { runs: number; failed: number; aborted: number; seconds: number }>();
  for (const run of nodeRuns) {
    const total = totals.get(run.node) ?? { runs: 0, failed: 0, aborted: 0, seconds: 0 };
    total.runs += 1;
    if (run.status === "failed") total.failed += 1;
    if (run.status === "aborted") total.aborted += 1;
    total.seconds += (run.durationMs ?? 0) / 1000;
    totals.set(run.node, total);
  }
  return totals;
}

/** Formats the provider call table: calls made, archived, replayed, cut off by a stop, and results paid for twice. */
export function formatCalls(calls: ProviderCallSummary[]): string[] {
  if (calls.length === 0) return [];
  const lines = ["", "provider calls      kind        made  archived  replayed  interrupted  failed  repeated"];
  for (const call of calls) {
    lines.push(
      `${call.provider.padEnd(20)}${call.kind.padEnd(10)}` +
        `${String(call.performed).padStart(6)}${String(call.archived).padStart(10)}${String(call.replayed).padStart(10)}` +
        `${String(call.interrupted).padStart(13)}${String(call.failed).padStart(8)}${String(call.repeatedHashes.length).padStart(10)}`,
    );
  }
  const repeated = calls.flatMap((call) => call.repeatedHashes.map((hash) => `${call.provider} ${hash}`));
  if (repeated.length > 0) lines.push(`repeated calls: ${repeated.join(", ")}`);
  return lines;
}

/** Registers `show <run id>`. */
export function registerShowCommand(program: Command): void {
  program
    .command("show")
    .description("show the status, stage times and outputs of a run")
    .argument("<run-id>", "run id, as printed by `run` or listed by `runs`")
    .option("--json", "print JSON on stdout")
    .action(async (runId: string, flags: { json?: boolean }, command: Command) => {
      const config = configFromFlags(command.optsWithGlobals<GlobalFlags>());
      const json = jsonRequested(command);
      requireExistingWorkspace(config);
      const paths = workspacePaths(config.workspace);
      const registry = new RunRegistry(paths.checkpointsDb);
      const callLedger = new CallLedger(paths.checkpointsDb);
      try {
        const run = registry.get(runId);
        if (!run) throw new RunError(runId, `run ${runId} not found in ${paths.checkpointsDb}; list runs with \`pnpm agent runs\``);
        const graph = buildDoc2VideoGraph().compile({ checkpointer: SqliteSaver.fromConnString(paths.checkpointsDb) });
        const snapshot = await graph.getState({ configurable: { thread_id: runId } });
        const state = snapshot.values as Partial<RunStateType>;
        const nodeRuns = registry.nodeRuns(runId);
        const totals = summariseNodeRuns(nodeRuns);
        const calls = callLedger.summarize(runId);
        // A failed step's finished sibling tasks are not in the state yet (LangGraph
        // applies a step's writes together), so finished stages come from the node log.
        const chapters = (state.chapters ?? []).map((chapter) => ({
          number: chapter.index + 1,
          title: chapter.title,
          stages: nodeRuns
            .filter((execution) => execution.chapterIndex === chapter.index && execution.status === "done")
            .map((execution) => execution.node)
            .filter((node, position, all) => all.indexOf(node) === position),
          video_url: state.artifacts?.[String(chapter.index)]?.video?.url ?? null,
        }));

        if (json) {
          const output = {
            run: runRecordJson(run),
            next: snapshot.next,
            stages: Object.fromEntries(totals),
            calls,
            chapters,
            full_video_url: state.fullVideo?.url ?? null,
            manifest_url: state.manifest?.url ?? null,
          };
          process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
          return;
        }
        const out: string[] = [
          `run      ${run.runId}`,
          `status   ${run.status}${run.lockPid ? ` (pid ${run.lockPid})` : ""}`,
          `source   ${run.sourcePath}`,
          `created  ${run.createdAt}`,
        ];
        if (run.error) {
          const where = [run.failedNode, run.failedChapter === null ? undefined : `chapter ${run.failedChapter + 1}`]
            .filter(Boolean)
            .join(", ");
          out.push(`error    ${where ? `${where}: ` : ""}${run.error}`);
        }
        if (snapshot.next.length > 0) out.push(`next     ${[...new Set(snapshot.next)].join(", ")} (resume with --thread ${runId})`);
        out.push("", "stage               runs  failed  time");
        for (const [node, total] of totals) {
          out.push(`${node.padEnd(20)}${String(total.runs).padStart(4)}  ${String(total.failed).padStart(6)}  ${formatDuration(total.seconds)}`);
        }
        out.push(...formatCalls(calls));
        if (chapters.length > 0) {
          out.push("", "chapters");
          for (const chapter of chapters) {
            const where = chapter.video_url ? displayLocation(chapter.video_url) : `done: ${chapter.stages.join(", ") || "nothing yet"}`;
            out.push(`  ${String(chapter.number).padStart(2)}. ${chapter.title}\n      ${where}`);
          }
        }
        if (state.fullVideo) out.push("", `full video  ${displayLocation(state.fullVideo.url)}`);
        if (state.manifest) out.push(`manifest    ${displayLocation(state.manifest.url)}`);
        process.stdout.write(`${out.join("\n")}\n`);
      } finally {
        registry.close();
        callLedger.close();
      }
    });
}
