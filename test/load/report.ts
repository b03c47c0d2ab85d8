import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CoinReport } from './coin-check.ts';
import type { Finding } from './findings.ts';
import type { CpuByCommand } from './process-tree.ts';
import type { LoadSettings } from './settings.ts';
import type { WatchSample } from './stack-watch.ts';
import type { RouteSummary, StatsSummary } from './stats.ts';

export interface LoadReport {
  readonly finishedAt: string;
  readonly node: string;
  readonly cpus: number;
  /** The machine's 1/5/15-minute load averages before the stack started, and after the load. */
  readonly loadAverageBefore: readonly number[];
  readonly loadAverageAfter: readonly number[];
  readonly settings: LoadSettings;
  readonly target: string;
  readonly tournament: { readonly tournamentId: string; readonly status: string; readonly entryFee: number };
  readonly players: {
    readonly vus: number;
    readonly withProfile: number;
    readonly entered: number;
    readonly entryUnanswered: number;
    readonly progressUnanswered: number;
    /** Progress keys sent again after their answer, and sent twice at once: each compared with the first answer. */
    readonly idempotencyReplays: number;
    readonly idempotencyDuplicates: number;
  };
  /** The load phase: from the first VU's start until the last one finished. */
  readonly load: StatsSummary;
  /** The end check's own requests (not part of the load figures). */
  readonly check: StatsSummary;
  readonly coins: CoinReport;
  readonly findings: { readonly total: number; readonly counts: Record<string, number>; readonly examples: readonly Finding[] };
  /** CPU seconds during the load phase: the driver (this process) and the stack's processes. */
  readonly cpuSeconds: { readonly driver: number; readonly stack: CpuByCommand };
  /** The stack's responsiveness and its processes' cores, every 2 s of the load. */
  readonly watch: readonly WatchSample[];
  /** Connections the kernel dropped because an accept queue was full, during the load (machine-wide: others' servers count too). */
  readonly listenOverflows?: number;
  /** Set when the stack process ended by itself during the run. */
  readonly stackExit?: string;
  readonly passed: boolean;
  readonly failures: readonly string[];
}

const ms = (value: number) => value.toFixed(value < 10 ? 1 : 0);
const byKind = (counts: Record<string, number>) =>
  Object.entries(counts).map(([kind, n]) => `${kind} ×${n}`).join(', ') || '0';

function routeRow(r: RouteSummary): string {
  return `| ${r.route} | ${r.requests} | ${r.reqPerSec.toFixed(1)} | ${ms(r.p50Ms)} | ${ms(r.p90Ms)} | ${ms(r.p99Ms)} | ${ms(r.maxMs)} | ${byKind(r.retryable)} | ${byKind(r.errors)} |`;
}

const BUCKET_SECONDS = 10;

/**
 * The load over time in 10 s steps, beside what the stack was doing: where errors cluster, and
 * whether the stack's Node process or DynamoDB Local had the cores (or neither: starved).
 */
function timelineTable(report: LoadReport): string {
  const rows: string[] = [];
  const buckets = Math.ceil(report.load.timeline.length / BUCKET_SECONDS);
  for (let b = 0; b < buckets; b++) {
    const from = b * BUCKET_SECONDS;
    const slots = report.load.timeline.slice(from, from + BUCKET_SECONDS);
    const samples = report.watch.filter((w) => w.second >= from && w.second < from + BUCKET_SECONDS);
    const sum = (pick: (slot: (typeof slots)[number]) => number) => slots.reduce((total, slot) => total + pick(slot), 0);
    const probes = samples.map((w) => w.probeMs);
    const worstProbe = probes.some((p) => p === undefined) ? 'no answer' : `${Math.max(0, ...(probes as number[]))}`;
    const cores = (command: string) => (samples.reduce((total, w) => total + (w.cores[command] ?? 0), 0) / Math.max(1, samples.length)).toFixed(2);
    const sockets = (command: string) => `${Math.max(0, ...samples.map((w) => w.sockets[command]?.sockets ?? 0))}`;
    const queue = (command: string) => `${Math.max(0, ...samples.map((w) => w.sockets[command]?.acceptQueue ?? 0))}`;
    rows.push(
      `| ${from}-${from + slots.length} | ${(sum((s) => s.requests) / Math.max(1, slots.length)).toFixed(0)} | ${sum((s) => s.errors)} | ${sum((s) => s.retryable)} | ` +
        `${samples.length ? worstProbe : ''} | ${samples.length ? cores('node') : ''} | ${samples.length ? cores('java') : ''} | ` +
        `${samples.length ? sockets('java') : ''} | ${samples.length ? sockets('redis-server') : ''} | ` +
        `${samples.length ? `${queue('node')} / ${queue('java')}` : ''} |`,
    );
  }
  return [
    '| seconds | req/s | errors | retried | probe max ms | stack node cores | DynamoDB Local (java) cores | DynamoDB Local sockets | Redis sockets | accept queue max: stack / DynamoDB Local |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

export function markdownReport(report: LoadReport): string {
  const { settings, load, coins } = report;
  const loads = (values: readonly number[]) => values.map((v) => v.toFixed(1)).join(' / ');
  const cpu = Object.entries(report.cpuSeconds.stack)
    .filter(([, seconds]) => seconds >= 0.5)
    .sort((a, b) => b[1] - a[1])
    .map(([command, seconds]) => `${command} ${seconds.toFixed(1)} s`)
    .join(', ');
  return [
    `node ${report.node}, ${report.cpus} CPUs; load average ${loads(report.loadAverageBefore)} before, ${loads(report.loadAverageAfter)} after (1/5/15 min)`,
    `${report.target}; tournament ${report.tournament.tournamentId} (${report.tournament.status}); ` +
      `${settings.vus} VUs for ${settings.seconds} s (ramp ${settings.rampSeconds} s, think ${settings.thinkMs} ms mean, seed ${settings.seed}); ` +
      `load phase ${load.seconds.toFixed(1)} s`,
    '',
    '| route | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | retried (honest 503 / 409) | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...load.routes.map(routeRow),
    `| **all** | ${load.requests} | ${load.reqPerSec.toFixed(1)} | | | | | ${load.retryable} | ${load.errors} |`,
    '',
    timelineTable(report),
    '',
    `players: ${report.players.withProfile}/${report.players.vus} with a profile, ${report.players.entered} entered` +
      (report.players.entryUnanswered ? `, ${report.players.entryUnanswered} entries unanswered` : '') +
      (report.players.progressUnanswered ? `, ${report.players.progressUnanswered} progress calls unanswered` : '') +
      `; Idempotency-Key retries: ${report.players.idempotencyReplays} after the answer, ${report.players.idempotencyDuplicates} while in flight`,
    `coins: ${coins.checked}/${coins.players} players checked; they hold ${coins.balances} = ${coins.startCoins} start + ` +
      `${coins.levelCoins} for ${coins.levelsGained} levels - ${coins.fees} fees (expected ${coins.expected}; ` +
      `from the answers alone ${coins.expectedFromAnswers}); ${coins.coinMismatches} coin and ${coins.levelMismatches} level mismatches; ` +
      `${coins.entriesFound}/${coins.entriesTold} entries told found in the histories`,
    `cpu during the load: driver ${report.cpuSeconds.driver.toFixed(1)} s` + (cpu ? `; stack: ${cpu}` : '') +
      (report.listenOverflows === undefined ? '' : `; connections dropped at a full accept queue (machine-wide): ${report.listenOverflows}`),
    ...(report.stackExit ? [`the stack exited during the run: ${report.stackExit}`] : []),
    ...(report.findings.total > 0
      ? ['', `findings: ${byKind(report.findings.counts)}`, ...report.findings.examples.slice(0, 10).map((f) => `- ${f.check}: ${f.message}`)]
      : []),
    '',
    report.passed ? 'PASSED: no real error, every coin accounted for' : `FAILED: ${report.failures.join('; ')}`,
  ].join('\n');
}
