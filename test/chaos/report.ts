import { describeOp, type Op } from './ops.ts';
import type { ChaosResult } from './session.ts';

/** How many of each kind of op a list holds, for the report's mix line. */
function mixOf(ops: readonly Op[]): string {
  const counts = new Map<string, number>();
  for (const op of ops) counts.set(op.kind, (counts.get(op.kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${kind} ${n}`).join(', ');
}

/** The run in a few lines: verdict, coins, the op mix, what the runner had to do, each violation. */
export function formatResult(title: string, result: ChaosResult): string {
  const lines: string[] = [];
  const verdict = result.violations.length === 0 ? 'CLEAN' : `${result.violations.length} VIOLATION(S)`;
  lines.push(`${title}: ${verdict} in ${Math.round(result.wallMs / 1000)} s (${result.stackStarts} stack process(es))`);
  const t = result.totals;
  if (t) {
    lines.push(
      `  coins: ${t.players} players hold ${t.balances} = ${t.startGrants} start + ${t.levelCoins} level coins - ${t.feesCharged} fees + ${t.rewardsPaid} rewards` +
        (t.balances === t.startGrants + t.levelCoins - t.feesCharged + t.rewardsPaid ? ' (balanced)' : ' (UNBALANCED)'),
    );
  }
  lines.push(`  ops: ${mixOf(result.ops)}`);
  for (const note of result.notes.slice(0, 15)) lines.push(`  note ${note}`);
  if (result.notes.length > 15) lines.push(`  ... ${result.notes.length - 15} more notes`);
  for (const v of result.violations) {
    const when = v.opIndex === undefined || v.opIndex < 0 || v.opIndex >= result.ops.length ? 'after the run' : `at op #${v.opIndex} (${describeOp(result.ops[v.opIndex]!)})`;
    lines.push(`  [${v.invariant}] ${when}: ${v.message}`);
  }
  return lines.join('\n');
}

/** A list as numbered lines, for the report of a shrunk failure. */
export function formatOps(ops: readonly Op[]): string {
  return ops.map((op, i) => `    #${i} ${describeOp(op)}`).join('\n');
}
