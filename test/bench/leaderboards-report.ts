import type { LeaderboardsReport } from './leaderboards.ts';
import type { Comparison, LoadSettings, SideResult } from './measure.ts';

const ms = (value: number) => value.toFixed(1);

function errorsOf({ floor, stack }: Comparison): string {
  if (floor.errors + stack.errors === 0) return '0';
  const side = (name: string, result: SideResult) =>
    `${name} ${result.errors}` +
    (result.errors > 0 ? ` (${Object.entries(result.errorsBy).map(([kind, n]) => `${kind}×${n}`).join(', ')})` : '');
  return `${side('floor', floor)}; ${side('stack', stack)}`;
}

const runs = (s: LoadSettings) =>
  `${s.connections} connections, median of ${s.rounds} ${s.seconds} s runs per side in turns, each after a ${s.warmupSeconds} s warm-up ` +
  `(and a ${s.primeSeconds} s priming run per side)`;

/** The leaderboards phase as markdown: level-up visibility, then the two reads against their floors. */
export function leaderboardsTables(report: LeaderboardsReport): string {
  const { levelUpsWarmup: w, levelUps: l, groupBoard, globalBoard } = report;
  const comparisonRow = (label: string, c: Comparison) =>
    `| ${label} | ${c.floor.median.reqPerSec.toFixed(0)} | ${c.stack.median.reqPerSec.toFixed(0)} | ${c.ratio.toFixed(2)} | ` +
    `${ms(c.floor.median.p50Ms)} / ${ms(c.floor.median.p99Ms)} | ${ms(c.stack.median.p50Ms)} / ${ms(c.stack.median.p99Ms)} | ${errorsOf(c)} |`;
  return [
    `| level-up -> visible in the Redis group board (${l.rate}/s asked, ${l.seconds} s, ${l.players} entered players) | value |`,
    '| --- | ---: |',
    `| achieved rate | ${l.achievedPerSec.toFixed(1)}/s (${l.sent} sent, ${l.skipped} slots skipped, latest send ${ms(l.maxSendLagMs)} ms behind its slot) |`,
    `| visible p50 / p99 / max | ${ms(l.visibleP50Ms)} / ${ms(l.visibleP99Ms)} / ${ms(l.visibleMaxMs)} ms |`,
    `| visible p50 by second of sending | ${l.visibleP50BySecond.map((v) => v.toFixed(0)).join(' / ')} ms |`,
    `| never visible within ${l.timeoutMs / 1000} s | ${l.neverVisible} |`,
    `| POST /users/me/progress answer p50 / p99 | ${ms(l.responseP50Ms)} / ${ms(l.responseP99Ms)} ms |`,
    `| failed requests | ${l.failed} |`,
    `| every level-up scored (the reads below start then) | ${report.scoredAfterRunMs === undefined ? 'not within the bound' : `${(report.scoredAfterRunMs / 1000).toFixed(1)} s after the run`} |`,
    `| before it: ${w.seconds} s warm-up on the same schedule, drained | visible p50 / max ${ms(w.visibleP50Ms)} / ${ms(w.visibleMaxMs)} ms; never visible ${w.neverVisible}; failed ${w.failed}; skipped ${w.skipped} |`,
    '',
    '| leaderboard read | floor req/s | stack req/s | ratio (stack/floor) | floor p50/p99 ms | stack p50/p99 ms | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    comparisonRow(`${groupBoard.comparison.scenario} (group of ${groupBoard.groupSize})`, groupBoard.comparison),
    comparisonRow(`${globalBoard.comparison.scenario} (${globalBoard.members.toLocaleString('en-US')} players on the board)`, globalBoard.comparison),
    '',
    `tournament ${report.tournamentId} on a stack of its own; group board: ${runs(groupBoard.settings)}; ` +
      `global board: ${runs(globalBoard.settings)}, filled in ${globalBoard.fillSeconds.toFixed(1)} s; ` +
      `the floors do the handlers' data calls (group: the caller's entry GetItem, ZREVRANGE, HMGET; global: ZREVRANGE, ZREVRANK, HMGET) ` +
      `on a bare node:http server; errors count every request sent, warm-ups included`,
  ].join('\n');
}
