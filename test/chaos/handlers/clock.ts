import { previousTournamentId, tournamentIdOn } from '../../../shared/domain/tournament.ts';
import type { OpContext } from '../executor.ts';
import type { Op } from '../ops.ts';

/** A bound on waiting for a seal workflow, not a speed claim: its drain polls run on the local clock. */
const SEAL_WAIT_MS = 120_000;
/** A seal waiting longer than this for its drain is waiting on something (a dead-lettered level-up). */
const SEAL_PATIENCE_MS = 30_000;

interface Fired {
  readonly schedule: string;
  readonly failed?: { readonly attempts: number; readonly errorType: string };
}

/**
 * Moves the local clock (schedules passed run before the answer). A scheduled job that failed every
 * attempt is a violation unless the op armed `scheduledJob.start` itself.
 */
export async function moveClock(ctx: OpContext, body: { now: string } | { advanceSeconds: number }, jobFaultArmed = false): Promise<Fired[]> {
  const dayBefore = ctx.today();
  const outcome = await ctx.control('POST', '/_local/clock', body);
  ctx.judge('POST /_local/clock', outcome, { crashArmed: jobFaultArmed });
  if (!outcome.ok) {
    await ctx.recover(jobFaultArmed);
    return [];
  }
  const fired = (outcome.json?.fired ?? []) as Fired[];
  for (const job of fired.filter((f) => f.failed)) {
    const { attempts, errorType } = job.failed!;
    // A job whose dependency is down fails (and alarms) by design; one that fails otherwise is a bug.
    if (jobFaultArmed && errorType === 'InjectedFault') ctx.note(`${job.schedule} failed ${attempts} attempts (${errorType}), as armed`);
    else if (ctx.redis.isPaused) ctx.note(`${job.schedule} failed ${attempts} attempts (${errorType}) while Redis is paused`);
    else ctx.violations.add('job.failed', `${job.schedule} failed every attempt: ${errorType} ${await lastFailure(ctx)}`, ctx.index);
  }
  const dayAfter = ctx.today();
  if (dayAfter !== dayBefore) await awaitSeal(ctx, previousTournamentId(dayAfter));
  return fired;
}

/** The newest on-failure record's error message (what the job threw). */
async function lastFailure(ctx: OpContext): Promise<string> {
  const outcome = await ctx.control('GET', '/_local/destinations?limit=1');
  const record = outcome.ok ? outcome.json.items?.[0]?.record : undefined;
  return record ? `"${String(record.responsePayload?.errorMessage ?? JSON.stringify(record.responsePayload)).slice(0, 200)}"` : '';
}

/**
 * Waits for the day's seal workflow to stop (bounded); a failed seal is a violation. A seal still
 * waiting for its drain after a while finds level-ups that dead-lettered: the runner then does
 * what the runbook says on LevelUpsDeadLettered (redrive them), noted, and waits again.
 */
export async function awaitSeal(ctx: OpContext, tournamentId: string): Promise<void> {
  if (await sealStopped(ctx, tournamentId, SEAL_PATIENCE_MS)) return;
  const stuck = (await ctx.table.snapshot()).levelUps.filter((l) => l.unscored && tournamentIdOn(new Date(l.at)) === tournamentId);
  if (stuck.length === 0) {
    await sealStopped(ctx, tournamentId, SEAL_WAIT_MS);
    return;
  }
  ctx.note(`seal-${tournamentId} waits on ${stuck.length} dead-lettered level-up(s): redriven (npm run job -- redrive-level-ups)`);
  await redriveLevelUps(ctx);
  if (!(await sealStopped(ctx, tournamentId, SEAL_WAIT_MS))) ctx.note(`seal-${tournamentId} still running after the redrive`);
}

/** The runbook's redrive, run until it has nothing left. */
export async function redriveLevelUps(ctx: OpContext): Promise<void> {
  for (let run = 0; run < 20; run++) {
    const outcome = await ctx.control('POST', '/_local/jobs/redrive-level-ups');
    if (!outcome.ok || outcome.status !== 200 || outcome.json?.result?.remaining !== true) return;
  }
}

/** Whether the day's seal stopped within `ms` (true also when it never started: nothing to wait for). */
async function sealStopped(ctx: OpContext, tournamentId: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  const startedBy = Date.now() + 10_000;
  let seen = false;
  while (Date.now() < deadline) {
    const outcome = await ctx.control('GET', '/_local/executions?limit=1000');
    if (!outcome.ok) return true; // the stack died (a crash the op armed); the next op restarts it
    const seal = (outcome.json.items as { name: string; status: string }[]).find((e) => e.name === `seal-${tournamentId}`);
    if (seal && seal.status !== 'RUNNING') {
      if (seal.status !== 'SUCCEEDED') ctx.violations.add('seal.failed', `seal-${tournamentId} ended ${seal.status}`, ctx.index);
      return true;
    }
    seen ||= seal !== undefined;
    // Not started within a few seconds: the close job did not start it (a fault, a restart past 00:00).
    if (!seen && Date.now() > startedBy) {
      ctx.note(`seal-${tournamentId} not started`);
      return true;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

export async function runAdvanceClock(ctx: OpContext, op: Extract<Op, { kind: 'advanceClock' }>): Promise<void> {
  await moveClock(ctx, { advanceSeconds: op.seconds });
}

/** The local clock exactly (the estimate drifts by the time a request takes). */
export async function localNow(ctx: OpContext): Promise<Date> {
  const outcome = await ctx.control('GET', '/_local/clock');
  return outcome.ok ? new Date(outcome.json.now) : ctx.stack.clock.estimate();
}

export async function runPastNoon(ctx: OpContext): Promise<void> {
  const now = await localNow(ctx);
  const noon = new Date(`${tournamentIdOn(now)}T12:00:30.000Z`);
  if (now < noon) await moveClock(ctx, { now: noon.toISOString() });
}

export async function runPastMidnight(ctx: OpContext): Promise<void> {
  const now = await localNow(ctx);
  const next = new Date(Date.parse(`${tournamentIdOn(now)}T00:02:00.000Z`) + 24 * 60 * 60 * 1000);
  await moveClock(ctx, { now: next.toISOString() });
}
