import awsCronParser from 'aws-cron-parser';
import type { AsyncInvocationOutcome } from './async-invoke.ts';
import type { FiredSchedule } from './control-routes.ts';
import type { ScheduleModel } from './template.ts';

/** When a schedule fires after `from`, up to and including `to` (UTC). */
export function fireTimes(expression: string, from: Date, to: Date): Date[] {
  const times: Date[] = [];
  const cron = /^cron\((.+)\)$/.exec(expression)?.[1];
  if (cron) {
    const parsed = awsCronParser.parse(cron);
    for (let t = awsCronParser.next(parsed, from); t && t.getTime() <= to.getTime(); t = awsCronParser.next(parsed, t)) {
      times.push(t);
    }
    return times;
  }
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const unitMs = { minute: 60_000, hour: 3_600_000, day: 86_400_000 }[rate[2]!.replace(/s$/, '') as 'minute'];
    const period = Number(rate[1]) * unitMs;
    // Rates tick on whole periods of UTC time (every minute at :00 seconds).
    for (let t = Math.floor(from.getTime() / period) * period + period; t <= to.getTime(); t += period) times.push(new Date(t));
    return times;
  }
  throw new Error(`unsupported schedule expression ${expression}`);
}

/** Invokes a function asynchronously, as Scheduler's Lambda target does (see LocalAsyncInvoker). */
export type AsyncInvoke = (functionLogicalId: string, event: unknown) => Promise<AsyncInvocationOutcome>;

/** A run to make: a due time of a schedule, standing for `runs` due runs (the earlier ones skipped). */
export interface PlannedRun {
  readonly schedule: ScheduleModel;
  readonly at: Date;
  readonly runs: number;
}

/**
 * Which of the due runs (in time order, schedules at one instant in template order) to make.
 * Every run of a schedule that is not a catch-up job is made. A catch-up job's run does all that
 * is due up to its time, so of its runs between two such other runs only the last is made, just
 * before the next one: a 7-day jump makes each daily job's runs and one sweep per gap between them,
 * not 10,080 sweeps. Each other run still sees the catch-up runs that were due before it done, so
 * the order between different schedules is what running every due run would give.
 */
export function planRuns(due: readonly { schedule: ScheduleModel; at: Date }[]): PlannedRun[] {
  const planned: PlannedRun[] = [];
  const pending = new Map<ScheduleModel, PlannedRun>();
  const flush = () => {
    planned.push(...[...pending.values()].sort((a, b) => a.at.getTime() - b.at.getTime()));
    pending.clear();
  };
  for (const { schedule, at } of due) {
    if (schedule.catchUp) {
      // Kept in the map's first-insertion order: runs left at the same instant keep template order.
      pending.set(schedule, { schedule, at, runs: (pending.get(schedule)?.runs ?? 0) + 1 });
    } else {
      flush();
      planned.push({ schedule, at, runs: 1 });
    }
  }
  flush();
  return planned;
}

/**
 * The local stand-in for EventBridge Scheduler: the template's schedules on the local clock.
 * Moving the clock fires every schedule whose time was passed, in time order, each with the
 * input the target would get (the scheduled time filled in). Scheduler hands the event to
 * Lambda's asynchronous invocation, so a failing job is retried and then lands in its function's
 * on-failure destination; locally each run waits for that to finish before the next one fires.
 *
 * One shortcut (planRuns): the missed runs of a catch-up job are made once, for the last of them
 * before another schedule's run, and `coalesced` says how many runs that one stands for.
 */
export class LocalScheduler {
  private running: Promise<unknown> = Promise.resolve();

  /**
   * @param firedUpTo schedules due at or before this time count as fired (the stack's start).
   */
  constructor(
    private readonly schedules: readonly ScheduleModel[],
    private readonly invokeAsync: AsyncInvoke,
    private firedUpTo: Date,
  ) {
    for (const schedule of schedules) {
      if (schedule.timezone !== 'UTC' && schedule.timezone !== 'Etc/UTC') {
        throw new Error(`schedule ${schedule.name} uses ${schedule.timezone}; the local scheduler runs UTC only`);
      }
    }
  }

  /** Fires, one at a time and in time order, every schedule due since the last call, up to `to`. */
  runUpTo(to: Date): Promise<FiredSchedule[]> {
    // Moves of the clock (a request, the real-time ticker) queue up instead of interleaving.
    const result = this.running.then(() => {
      const from = this.firedUpTo;
      if (to.getTime() <= from.getTime()) return [];
      this.firedUpTo = to;
      return this.fire(from, to);
    });
    this.running = result.catch(() => undefined);
    return result;
  }

  private async fire(from: Date, to: Date): Promise<FiredSchedule[]> {
    // A stable sort: schedules due at the same instant keep their template order.
    const due = this.schedules
      .flatMap((schedule) => fireTimes(schedule.expression, from, to).map((at) => ({ schedule, at })))
      .sort((a, b) => a.at.getTime() - b.at.getTime());
    const fired: FiredSchedule[] = [];
    for (const { schedule, at, runs } of planRuns(due)) {
      const input = schedule.input.replaceAll('<aws.scheduler.scheduled-time>', at.toISOString().replace('.000Z', 'Z'));
      const outcome = await this.invokeAsync(schedule.functionLogicalId, JSON.parse(input));
      fired.push({
        schedule: schedule.name,
        at: at.toISOString(),
        ...(runs > 1 ? { coalesced: runs } : {}),
        ...(outcome.succeeded ? {} : { failed: failureOf(outcome) }),
      });
    }
    return fired;
  }
}

function failureOf(outcome: Extract<AsyncInvocationOutcome, { succeeded: false }>): NonNullable<FiredSchedule['failed']> {
  const { attempts, errorType, destination } = outcome;
  return { attempts, errorType, ...(destination === undefined ? {} : { destination }) };
}
