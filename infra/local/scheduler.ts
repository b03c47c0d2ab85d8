import awsCronParser from 'aws-cron-parser';
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

/**
 * The local stand-in for EventBridge Scheduler: the template's schedules on the local clock.
 * Moving the clock fires every schedule whose time was passed, in time order, each with the
 * input the target would get (the scheduled time filled in).
 *
 * One shortcut: when a schedule is due several times in a row with no other schedule due in
 * between (a day's jump passes 1,440 sweeps), it runs once, for the last of those times, and
 * `coalesced` says how many runs that one stands for. The jobs are catch-up jobs (a sweep at
 * 23:59 settles what every earlier sweep would have), so the outcome is the same.
 */
export class LocalScheduler {
  private running: Promise<unknown> = Promise.resolve();

  /**
   * @param firedUpTo schedules due at or before this time count as fired (the stack's start).
   */
  constructor(
    private readonly schedules: readonly ScheduleModel[],
    private readonly invoke: (functionLogicalId: string, event: unknown) => Promise<unknown>,
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
    const due = this.schedules
      .flatMap((schedule) => fireTimes(schedule.expression, from, to).map((at) => ({ schedule, at })))
      .sort((a, b) => a.at.getTime() - b.at.getTime());
    const fired: FiredSchedule[] = [];
    let previous = -1;
    for (const [i, { schedule, at }] of due.entries()) {
      if (due[i + 1]?.schedule === schedule) continue; // the last of a run stands for it
      const input = schedule.input.replaceAll('<aws.scheduler.scheduled-time>', at.toISOString().replace('.000Z', 'Z'));
      try {
        await this.invoke(schedule.functionLogicalId, JSON.parse(input));
      } catch (error) {
        // EventBridge Scheduler would retry and then dead-letter; locally, say so and go on.
        console.error(`Good Swipe local stack: schedule ${schedule.name} at ${at.toISOString()} failed: ${String(error)}`);
      }
      const coalesced = i - previous;
      fired.push({ schedule: schedule.name, at: at.toISOString(), ...(coalesced > 1 ? { coalesced } : {}) });
      previous = i;
    }
    return fired;
  }
}
