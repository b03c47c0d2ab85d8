import type { OpContext } from '../executor.ts';
import type { Op } from '../ops.ts';
import { startStack } from '../stack-start.ts';
import { moveClock } from './clock.ts';
import { sendEntry } from './entries.ts';
import { sendProgress } from './progress.ts';

interface FaultRule {
  readonly point: string;
  readonly action: 'error' | 'crash';
  readonly times: number;
}

async function arm(ctx: OpContext, rule: FaultRule): Promise<void> {
  const outcome = await ctx.control('POST', '/_local/faults', rule);
  if (!outcome.ok || outcome.status !== 201) throw new Error(`could not arm ${JSON.stringify(rule)}: ${outcome.ok ? outcome.text : outcome.error}`);
}

/** Faults an op armed and its request did not reach must not fire during a later op. */
async function disarm(ctx: OpContext): Promise<void> {
  if (ctx.stack.running) await ctx.control('DELETE', '/_local/faults');
}

/**
 * An entry with a fault at one saga point. RefundReservation is reached only when joining fails,
 * so a join error is armed with it. A crash kills the stack mid-saga; it is started again on the
 * same state, and the sweeper settles what the saga left (the checks run after it has).
 */
export async function runFaultEntry(ctx: OpContext, op: Extract<Op, { kind: 'faultEntry' }>): Promise<void> {
  if (op.point.startsWith('RefundReservation')) await arm(ctx, { point: 'JoinGroup', action: 'error', times: 1 });
  await arm(ctx, { point: op.point, action: op.action, times: op.times });
  const outcome = await sendEntry(ctx, op.p, true, { crashArmed: op.action === 'crash' });
  if (!outcome.ok) await ctx.recover(op.action === 'crash');
  else await disarm(ctx);
}

/**
 * A level-up whose process fails (500) or dies between its commit and its answer, then the
 * client's retry with the same key: the first commit's answer, and no second payment.
 */
export async function runFaultProgress(ctx: OpContext, op: Extract<Op, { kind: 'faultProgress' }>): Promise<void> {
  await arm(ctx, { point: 'progress.afterCommit', action: op.action, times: 1 });
  const send = { inc: op.inc, key: op.key };
  const first = await sendProgress(ctx, op.p, send, { injectedError: op.action === 'error', crashArmed: op.action === 'crash' });
  if (!first.ok) await ctx.recover(op.action === 'crash');
  else await disarm(ctx);
  await sendProgress(ctx, op.p, send);
}

/**
 * An entry caught in a Redis stall (JoinGroup cannot take a seat; Step Functions retries it),
 * level-ups of the same player sent every 150 ms while the entry is in flight (keys `<key>-n`),
 * Redis back after `outageMs`. A bookkeeping that orders by answers calls every level-up
 * answered before the entry's 201 "before entering"; the seat records the level it was really
 * taken at (the join checks the profile's level in its own commit). Both are recorded; the score
 * check follows DynamoDB's order and reports where the naive one differs.
 */
export async function runEnterThroughRedisBlip(ctx: OpContext, op: Extract<Op, { kind: 'enterThroughRedisBlip' }>): Promise<void> {
  const player = ctx.model.player(op.p);
  const tournamentId = ctx.today();
  await ctx.signIn(op.p);
  ctx.redis.pause();
  let entryAnswered = false;
  let answeredBefore = player.ackedLevel();
  const entry = sendEntry(ctx, op.p, true).then((outcome) => {
    entryAnswered = true;
    return outcome;
  });
  const levelUps = (async () => {
    for (let n = 0; n < 60 && !entryAnswered; n++) {
      await new Promise((r) => setTimeout(r, 150));
      if (entryAnswered) break;
      const outcome = await sendProgress(ctx, op.p, { inc: op.inc, key: `${op.key}-${n}` });
      if (!entryAnswered && outcome.ok && outcome.status === 200) answeredBefore = player.ackedLevel();
    }
  })();
  const resume = new Promise((r) => setTimeout(r, op.outageMs)).then(() => ctx.redis.resume());
  const [answer] = await Promise.all([entry, levelUps, resume]);
  if (answer.ok && answer.status === 201) player.entry(tournamentId).naiveLevelAtEntry = answeredBefore;
}

/** The next scheduled job (the sweep, the leaderboard watch) fails every attempt, or kills the stack. */
export async function runFaultJob(ctx: OpContext, op: Extract<Op, { kind: 'faultJob' }>): Promise<void> {
  await arm(ctx, { point: 'scheduledJob.start', action: op.action, times: op.times });
  await moveClock(ctx, { advanceSeconds: 60 }, true);
  if (!ctx.stack.running) await ctx.recover(true);
  else await disarm(ctx);
}

/** What happens to the engines under the stack, and to the stack process itself. */
export async function runEngineOp(
  ctx: OpContext,
  op: Extract<Op, { kind: 'wipeRedis' | 'pauseRedis' | 'resumeRedis' | 'restartDynamo' | 'restartStack' }>,
): Promise<void> {
  switch (op.kind) {
    case 'wipeRedis':
      return ctx.redis.wipe();
    case 'pauseRedis':
      return ctx.redis.pause();
    case 'resumeRedis':
      return ctx.redis.resume();
    case 'restartDynamo':
      return ctx.dynamo.restart();
    case 'restartStack': {
      const code = await ctx.stack.stop();
      if (code !== 0) ctx.violations.add('stack.stop', `SIGTERM ended the stack with exit code ${code}:\n${ctx.stack.recentOutput().slice(-1500)}`, ctx.index);
      await startStack(ctx.stack, ctx.redis, ctx.violations, ctx.index, ctx.note);
      return;
    }
  }
}
