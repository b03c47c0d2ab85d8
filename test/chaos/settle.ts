import type { OpContext } from './executor.ts';
import { localNow, moveClock, redriveLevelUps } from './handlers/clock.ts';
import { owedAt } from './table-reader.ts';

/** Bounds on waiting for the system to settle (real time; the machine may be busy). */
const EXECUTIONS_WAIT_MS = 120_000;
const DRAIN_WAIT_MS = 90_000;

/**
 * Lets the system heal and settle before the checks, as time and its own jobs would: faults
 * disarmed, Redis answering, the stack up; then seven minutes of local clock, so every
 * reservation a dead saga left expires and the sweeper settles it; every workflow finished; every
 * level-up scored. Dead-lettered level-ups are redriven as the runbook says (an operator's step,
 * so it is reported). Returns what it had to do beyond waiting.
 */
export async function settle(ctx: OpContext): Promise<void> {
  await ctx.redis.resume();
  if (!ctx.stack.running) await ctx.recover(false);
  await ctx.control('DELETE', '/_local/faults');
  await moveClock(ctx, { advanceSeconds: 6 * 60 });
  await moveClock(ctx, { advanceSeconds: 60 });
  await waitFor(ctx, 'every workflow finished', EXECUTIONS_WAIT_MS, async () => {
    const outcome = await ctx.control('GET', '/_local/executions?limit=1000');
    return outcome.ok && !(outcome.json.items as { status: string }[]).some((e) => e.status === 'RUNNING');
  });
  const owed = async () => (await ctx.table.snapshot()).levelUps.filter(owedAt(await localNow(ctx)));
  const drained = async () => (await owed()).length === 0;
  if (await waitFor(ctx, 'every level-up scored', DRAIN_WAIT_MS, drained)) return;
  const left = (await owed()).length;
  ctx.note(`settle: ${left} level-up(s) dead-lettered; redriving them (npm run job -- redrive-level-ups)`);
  await redriveLevelUps(ctx);
  await waitFor(ctx, 'every level-up scored after the redrive', DRAIN_WAIT_MS, drained);
}

/** Polls `done` until it holds or `ms` pass; notes a timeout (the checks then report what is wrong). */
async function waitFor(ctx: OpContext, what: string, ms: number, done: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await done()) return true;
    if (Date.now() > deadline) {
      ctx.note(`settle: not ${what} within ${ms / 1000} s`);
      return false;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
