import { describe, expect, it } from 'vitest';
import { LocalScheduler, fireTimes } from '../../infra/local/scheduler.ts';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('schedule expressions', () => {
  it('fires a daily cron at each midnight in (from, to]', () => {
    expect(iso(fireTimes('cron(0 0 * * ? *)', new Date('2026-01-01T00:00:00Z'), new Date('2026-01-03T00:00:00Z')))).toEqual([
      '2026-01-02T00:00:00.000Z',
      '2026-01-03T00:00:00.000Z',
    ]);
  });

  it('fires a rate on whole periods', () => {
    expect(iso(fireTimes('rate(1 minute)', new Date('2026-01-01T00:00:30Z'), new Date('2026-01-01T00:03:00Z')))).toEqual([
      '2026-01-01T00:01:00.000Z',
      '2026-01-01T00:02:00.000Z',
      '2026-01-01T00:03:00.000Z',
    ]);
  });

  it('refuses what it cannot evaluate', () => {
    expect(() => fireTimes('at(2026-01-01T00:00:00)', new Date(0), new Date(1))).toThrow();
  });
});

describe('local scheduler', () => {
  const schedules = [
    { name: 'Create', expression: 'cron(0 0 * * ? *)', timezone: 'UTC', functionLogicalId: 'Create', input: '{"scheduledTime":"<aws.scheduler.scheduled-time>"}' },
    { name: 'Sweep', expression: 'rate(1 minute)', timezone: 'UTC', functionLogicalId: 'Sweep', input: '{"scheduledTime":"<aws.scheduler.scheduled-time>"}' },
  ];

  it('runs due schedules in time order with the scheduled time, coalescing consecutive runs of one schedule', async () => {
    const calls: [string, unknown][] = [];
    const scheduler = new LocalScheduler(schedules, async (fn, event) => void calls.push([fn, event]), new Date('2026-01-01T23:58:00Z'));
    const fired = await scheduler.runUpTo(new Date('2026-01-02T00:03:00Z'));
    expect(fired).toEqual([
      { schedule: 'Sweep', at: '2026-01-01T23:59:00.000Z' },
      { schedule: 'Create', at: '2026-01-02T00:00:00.000Z' },
      { schedule: 'Sweep', at: '2026-01-02T00:03:00.000Z', coalesced: 4 },
    ]);
    expect(calls[1]).toEqual(['Create', { scheduledTime: '2026-01-02T00:00:00Z' }]);
    // Nothing twice: the next move starts where this one ended.
    expect(await scheduler.runUpTo(new Date('2026-01-02T00:03:30Z'))).toEqual([]);
  });
});
