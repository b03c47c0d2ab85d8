import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundlesTable, type BundlesReport } from './bundles.ts';
import { costsTable } from './costs-report.ts';
import type { CostsReport } from './costs.ts';
import type { EntriesReport } from './entries.ts';
import type { LeaderboardsReport } from './leaderboards.ts';
import type { RebuildReport, SealReport } from './seal-and-rebuild.ts';
import { leaderboardsTables } from './leaderboards-report.ts';
import type { Comparison, Figures, LoadSettings, SideResult } from './measure.ts';

export interface BenchReport {
  readonly finishedAt: string;
  readonly node: string;
  readonly cpus: number;
  /** The machine's 1-minute load average when the bench started. */
  readonly loadAverage: number;
  readonly players: number;
  readonly settings: LoadSettings;
  /** Each phase is absent when skipped (BENCH_PHASES, BENCH_LEADERBOARDS=0). */
  readonly bundles?: BundlesReport;
  readonly comparisons?: readonly Comparison[];
  readonly entries?: EntriesReport;
  readonly leaderboards?: LeaderboardsReport;
  readonly costs?: CostsReport;
  readonly seal?: SealReport;
  readonly rebuild?: RebuildReport;
}

const reqPerSec = (figures: Figures) => figures.reqPerSec.toFixed(0);
const latencies = (figures: Figures) => `${figures.p50Ms.toFixed(1)} / ${figures.p99Ms.toFixed(1)}`;

/** "0", or each side's failures by status (`socket` = connection errors and timeouts). */
function errorsCell({ floor, stack }: Comparison): string {
  if (floor.errors + stack.errors === 0) return '0';
  const side = (name: string, result: SideResult) =>
    `${name} ${result.errors}` +
    (result.errors > 0 ? ` (${Object.entries(result.errorsBy).map(([kind, n]) => `${kind}×${n}`).join(', ')})` : '');
  return `${side('floor', floor)}; ${side('stack', stack)}`;
}

export function markdownTable(report: BenchReport): string {
  const { settings } = report;
  const rows = (report.comparisons ?? []).map((c) =>
    [
      c.scenario,
      reqPerSec(c.floor.median),
      reqPerSec(c.stack.median),
      c.ratio.toFixed(2),
      latencies(c.floor.median),
      latencies(c.stack.median),
      errorsCell(c),
    ].join(' | '),
  );
  const routes = [
    '| scenario | floor req/s | stack req/s | ratio (stack/floor) | floor p50/p99 ms | stack p50/p99 ms | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map((row) => `| ${row} |`),
    '',
    `${settings.connections} connections; ` +
      `median of ${settings.rounds} ${settings.seconds} s runs per side in turns (floor first, then stack first...), each after a ${settings.warmupSeconds} s warm-up ` +
      `(and a ${settings.primeSeconds} s priming run per side and scenario); ${report.players} players; ` +
      `errors count every request sent, warm-ups included`,
    '',
  ];
  return [
    `node ${report.node}, ${report.cpus} CPUs, load average ${report.loadAverage.toFixed(1)} at the start`,
    '',
    ...(report.bundles ? [bundlesTable(report.bundles), ''] : []),
    ...(rows.length > 0 ? routes : []),
    ...(report.entries ? [entriesTable(report.entries)] : []),
    ...(report.leaderboards ? ['', leaderboardsTables(report.leaderboards)] : []),
    ...(report.costs ? ['', costsTable(report.costs)] : []),
    ...(report.seal ? ['', sealTable(report.seal)] : []),
    ...(report.rebuild ? ['', rebuildTable(report.rebuild)] : []),
  ].join('\n');
}

/** The seal workflow against the same DynamoDB calls made directly. */
function sealTable(s: SealReport): string {
  return [
    `| seal (${s.entrants} entrants, ${s.groups} groups) | wall time s | DynamoDB writes | writes per entrant |`,
    '| --- | ---: | ---: | ---: |',
    `| floor: one Query + one conditional write per group, directly | ${s.floor.seconds.toFixed(2)} | ${s.floor.writes} | ${(s.floor.writes / s.entrants).toFixed(4)} |`,
    `| stack: the seal workflow (Standard, Map of batches) | ${s.stack.seconds.toFixed(2)} | ${s.stack.writes} | ${s.stack.writesPerEntrant.toFixed(4)} |`,
    '',
    `seal ratio (floor time / stack time): ${s.ratio.toFixed(2)}; the execution's history: ${s.stack.historyEvents} events (Step Functions allows 25,000)`,
  ].join('\n');
}

function rebuildTable(r: RebuildReport): string {
  return [
    '| rebuild of the global board | players | seconds | reads during it | partial reads |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| the rebuild workflow | ${r.liveAfter} | ${r.rebuildSeconds.toFixed(1)} | ${r.reads} | ${r.partialReads} |`,
    '',
    `board before: ${r.liveBefore} players; ${r.players} profiles seeded in ${r.seededSeconds.toFixed(0)} s`,
  ].join('\n');
}

const pct = (share: number) => `${(share * 100).toFixed(2)} %`;

/** The entry saga against its floor, and the hottest DynamoDB item of each burst. */
function entriesTable(e: EntriesReport): string {
  const row = (name: string, side: EntriesReport['floor']) =>
    `| ${name} | ${side.entriesPerSec.toFixed(0)} | ${side.p50Ms.toFixed(1)} / ${side.p99Ms.toFixed(1)} | ${side.failed} | ` +
    `${side.writes.totalWrites} | ${side.writes.hottestWrites} (${side.writes.hottestItem}) | ${pct(side.writes.hottestShare)} |`;
  return [
    `| entries (burst of ${e.burst}, ${e.concurrency} at a time) | entries/s | p50 / p99 ms | failed | DynamoDB writes | hottest item: writes | its share |`,
    '| --- | ---: | ---: | ---: | ---: | --- | ---: |',
    row('floor: the saga steps called directly', e.floor),
    row('stack: the Step Functions saga', e.stack),
    '',
    `entries ratio (stack/floor): ${e.ratio.toFixed(2)}`,
    '',
    duplicatesLine(e.duplicates),
  ].join('\n');
}

/** The duplicate rush: saga executions per 1,000 duplicate entry requests, against one per player. */
function duplicatesLine(d: EntriesReport['duplicates']): string {
  const statuses = Object.entries(d.statuses).map(([status, n]) => `${status}×${n}`).join(', ');
  return (
    `entry duplicates (${d.players} players × ${d.requestsPerPlayer} requests at once): ` +
    `${d.sagasPerThousand.toFixed(0)} saga executions per 1,000 requests (goal ${(1000 / d.requestsPerPlayer).toFixed(0)}: one per player; ` +
    `${d.sagas} for ${d.requests}); answers ${statuses}; ${d.retries} retries; charged other than once: ${d.mischarged}; not entered: ${d.unentered}`
  );
}

/** A report as pretty JSON (the bench's and the load test's results files). */
export function writeJson(report: unknown, file: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}
